package io.starling.broker.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.function.Supplier;

/**
 * The node's side of one SCRAM-SHA-256 exchange (RFC 5802, RFC 7677) without channel binding: the client's first
 * message gets the salt, the iteration count and the node's nonce; its final message carries the proof, which is
 * checked against the stored key and answered with the server signature. Microseconds of work (the slow part,
 * the salted password, is the client's), so it runs on the connection's thread.
 *
 * <p>A user the node does not know gets a salt that looks as real as any (derived from its name) and fails at the
 * proof, as a wrong password does: the exchange does not tell which names exist.
 */
public final class ScramExchange {
    public static final String MECHANISM = "SCRAM-SHA-256";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final UserDatabase users;
    private final Supplier<String> serverNonce;
    private String username;
    private String gs2Header;
    private String clientFirstBare;
    private String serverFirst;
    private String nonce;
    private ScramCredential credential;
    private boolean known;
    private boolean done;

    ScramExchange(UserDatabase users) {
        this(users, ScramExchange::randomNonce);
    }

    /** With the node's half of the nonce from {@code serverNonce}: for the RFC's test vectors. */
    ScramExchange(UserDatabase users, Supplier<String> serverNonce) {
        this.users = users;
        this.serverNonce = serverNonce;
    }

    private static String randomNonce() {
        byte[] ours = new byte[18];
        RANDOM.nextBytes(ours);
        return Base64.getEncoder().encodeToString(ours);
    }

    /** The client-first-message in, the server-first-message out. */
    public byte[] first(byte[] clientFirst) throws ScramException {
        if (gs2Header != null) {
            throw malformed("a second client-first-message");
        }
        String m = text(clientFirst);
        // gs2-header: "n," or "y," (no channel binding here), an optional "a=" authzid, ","
        if (m.startsWith("p=")) {
            throw malformed("channel binding is not supported (use n,, or y,,)");
        }
        if (!(m.startsWith("n,") || m.startsWith("y,"))) {
            throw malformed("the client-first-message must start with n, or y,");
        }
        int end = m.indexOf(',', 2);
        if (end < 0) {
            throw malformed("the client-first-message has no gs2 header");
        }
        String authzid = m.substring(2, end);
        gs2Header = m.substring(0, end + 1);
        clientFirstBare = m.substring(end + 1);
        if (clientFirstBare.startsWith("m=")) {
            throw malformed("mandatory extensions are not supported");
        }
        String[] attrs = clientFirstBare.split(",", -1);
        if (attrs.length < 2 || !attrs[0].startsWith("n=") || !attrs[1].startsWith("r=") || attrs[1].length() < 3) {
            throw malformed("the client-first-message must be n=<user>,r=<nonce>");
        }
        username = saslName(attrs[0].substring(2));
        if (username.isEmpty()) {
            throw malformed("the user name is empty");
        }
        if (!authzid.isEmpty() && !authzid.equals("a=" + attrs[0].substring(2))) {
            throw malformed("an authorization identity other than the user is not supported");
        }
        String clientNonce = attrs[1].substring(2);
        nonce = clientNonce + serverNonce.get();
        credential = users.scramCredential(username);
        known = credential != null;
        if (!known) {
            credential = users.scramDecoy(username);
        }
        serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(credential.salt()) + ",i="
                + credential.iterations();
        return serverFirst.getBytes(StandardCharsets.UTF_8);
    }

    /** The client-final-message in, the server-final-message out once the proof holds. */
    public byte[] last(byte[] clientFinal) throws ScramException {
        if (serverFirst == null || done) {
            throw malformed("a client-final-message out of turn");
        }
        done = true;
        String m = text(clientFinal);
        int proofAt = m.lastIndexOf(",p=");
        if (proofAt < 0) {
            throw malformed("the client-final-message has no proof");
        }
        String withoutProof = m.substring(0, proofAt);
        String[] attrs = withoutProof.split(",", -1);
        if (attrs.length < 2 || !attrs[0].startsWith("c=") || !attrs[1].startsWith("r=")) {
            throw malformed("the client-final-message must be c=<binding>,r=<nonce>,...,p=<proof>");
        }
        String expectedBinding = Base64.getEncoder().encodeToString(gs2Header.getBytes(StandardCharsets.UTF_8));
        if (!attrs[0].substring(2).equals(expectedBinding)) {
            throw malformed("the channel binding does not match the gs2 header");
        }
        if (!attrs[1].substring(2).equals(nonce)) {
            throw malformed("the nonce is not the one the node sent");
        }
        byte[] proof;
        try {
            proof = Base64.getDecoder().decode(m.substring(proofAt + 3));
        } catch (IllegalArgumentException e) {
            throw malformed("the proof is not Base64");
        }
        byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof)
                .getBytes(StandardCharsets.UTF_8);
        byte[] clientSignature = ScramCredential.hmac(credential.storedKey(), authMessage);
        if (proof.length != clientSignature.length) {
            throw new ScramException(true, "bad username or password");
        }
        byte[] clientKey = new byte[proof.length];
        for (int i = 0; i < proof.length; i++) {
            clientKey[i] = (byte) (proof[i] ^ clientSignature[i]);
        }
        boolean proven = MessageDigest.isEqual(ScramCredential.sha256(clientKey), credential.storedKey());
        if (!proven || !known) {
            throw new ScramException(true, "bad username or password");
        }
        byte[] serverSignature = ScramCredential.hmac(credential.serverKey(), authMessage);
        return ("v=" + Base64.getEncoder().encodeToString(serverSignature)).getBytes(StandardCharsets.UTF_8);
    }

    /** The user named in the client-first-message. */
    public String username() {
        return username;
    }

    public boolean superuser() {
        return users.isSuperuser(username);
    }

    private static String saslName(String s) throws ScramException {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '=') {
                if (s.startsWith("=2C", i)) {
                    out.append(',');
                } else if (s.startsWith("=3D", i)) {
                    out.append('=');
                } else {
                    throw malformed("the user name has a bad escape");
                }
                i += 2;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String text(byte[] data) throws ScramException {
        if (data == null || data.length == 0) {
            throw malformed("no Authentication Data");
        }
        return new String(data, StandardCharsets.UTF_8);
    }

    private static ScramException malformed(String why) {
        return new ScramException(false, "SCRAM: " + why);
    }
}
