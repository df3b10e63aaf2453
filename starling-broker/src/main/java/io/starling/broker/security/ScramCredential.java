package io.starling.broker.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * What the node keeps of a password for SCRAM-SHA-256 (RFC 5802, RFC 7677): the salt, the iteration count and the
 * two keys derived from the salted password, as {@code scram-sha-256:<iterations>:<salt>:<stored key>:<server key>}
 * (Base64). Neither key lets anyone log in: the client proves it knows the password by a key the node never holds.
 */
record ScramCredential(int iterations, byte[] salt, byte[] storedKey, byte[] serverKey) {
    static final String ALGORITHM = "scram-sha-256";
    private static final int SALT_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    static ScramCredential of(char[] password, int iterations) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return of(password, salt, iterations);
    }

    static ScramCredential of(char[] password, byte[] salt, int iterations) {
        byte[] salted = saltedPassword(password, salt, iterations);
        byte[] clientKey = hmac(salted, "Client Key".getBytes(StandardCharsets.US_ASCII));
        return new ScramCredential(iterations, salt, sha256(clientKey),
                hmac(salted, "Server Key".getBytes(StandardCharsets.US_ASCII)));
    }

    /** Parses {@code scram-sha-256:<iterations>:<salt>:<stored key>:<server key>}; says why not. */
    static ScramCredential parse(String[] f, int from) {
        if (f.length < from + 5 || !f[from].equals(ALGORITHM)) {
            throw new IllegalArgumentException("not " + ALGORITHM + ":<iterations>:<salt>:<stored key>:<server key>");
        }
        int iterations;
        try {
            iterations = Integer.parseInt(f[from + 1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("SCRAM iterations '" + f[from + 1] + "' is not a number");
        }
        if (iterations < 1) {
            throw new IllegalArgumentException("SCRAM iterations must be at least 1");
        }
        Base64.Decoder b64 = Base64.getDecoder();
        return new ScramCredential(iterations, b64.decode(f[from + 2]), b64.decode(f[from + 3]),
                b64.decode(f[from + 4]));
    }

    String format() {
        Base64.Encoder b64 = Base64.getEncoder();
        return ALGORITHM + ":" + iterations + ":" + b64.encodeToString(salt) + ":" + b64.encodeToString(storedKey)
                + ":" + b64.encodeToString(serverKey);
    }

    static byte[] saltedPassword(char[] password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, 256);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available in this JDK", e);
        } finally {
            spec.clearPassword();
        }
    }

    static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available in this JDK", e);
        }
    }
}
