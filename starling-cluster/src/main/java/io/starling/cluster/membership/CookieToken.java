package io.starling.cluster.membership;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jgroups.Message;
import org.jgroups.auth.AuthToken;

/**
 * JGroups' AUTH token for the cluster's cookie: a joining node shows an HMAC of the cluster name keyed with the
 * cookie, the coordinator compares it with its own in constant time. The cookie itself never crosses the network.
 * JGroups makes the received token with the no-argument constructor and reads its bytes.
 */
public final class CookieToken extends AuthToken {
    private byte[] proof = new byte[0];

    public CookieToken() {
    }

    CookieToken(String cookie, String clusterName) {
        this.proof = proof(cookie, "starling-cluster-join:" + clusterName);
    }

    /** HMAC-SHA256 of {@code text} keyed with the cookie. */
    public static byte[] proof(String cookie, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(cookie.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    @Override
    public String getName() {
        return CookieToken.class.getName();
    }

    @Override
    public int size() {
        return Integer.BYTES + proof.length;
    }

    @Override
    public boolean authenticate(AuthToken token, Message msg) {
        return token instanceof CookieToken other && proof.length > 0 && MessageDigest.isEqual(proof, other.proof);
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        out.writeInt(proof.length);
        out.write(proof);
    }

    @Override
    public void readFrom(DataInput in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 64) {
            throw new IOException("not a cluster cookie proof: " + n + " bytes");
        }
        proof = new byte[n];
        in.readFully(proof);
    }
}
