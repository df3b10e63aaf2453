package io.starling.broker.security;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A salted PBKDF2-HMAC-SHA512 hash of a password, as {@code pbkdf2-sha512:<iterations>:<salt>:<hash>} (Base64).
 * Verifying costs as many iterations as the hash was made with, so it never runs on a network thread.
 */
record PasswordHash(int iterations, byte[] salt, byte[] hash) {
    static final String ALGORITHM = "pbkdf2-sha512";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 512;
    private static final SecureRandom RANDOM = new SecureRandom();

    static PasswordHash of(char[] password, int iterations) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return new PasswordHash(iterations, salt, derive(password, salt, iterations));
    }

    /** Parses {@code pbkdf2-sha512:<iterations>:<salt>:<hash>}; throws IllegalArgumentException saying why not. */
    static PasswordHash parse(String text) {
        String[] f = text.split(":");
        if (f.length != 4 || !f[0].equals(ALGORITHM)) {
            throw new IllegalArgumentException("not " + ALGORITHM + ":<iterations>:<salt>:<hash>");
        }
        int iterations;
        try {
            iterations = Integer.parseInt(f[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("iterations '" + f[1] + "' is not a number");
        }
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be at least 1");
        }
        return new PasswordHash(iterations, Base64.getDecoder().decode(f[2]), Base64.getDecoder().decode(f[3]));
    }

    boolean matches(byte[] password) {
        char[] chars = new String(password, java.nio.charset.StandardCharsets.UTF_8).toCharArray();
        try {
            return MessageDigest.isEqual(hash, derive(chars, salt, iterations));
        } finally {
            java.util.Arrays.fill(chars, '\0');
        }
    }

    String format() {
        return ALGORITHM + ":" + iterations + ":" + Base64.getEncoder().encodeToString(salt) + ":"
                + Base64.getEncoder().encodeToString(hash);
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA512 is not available in this JDK", e);
        } finally {
            spec.clearPassword();
        }
    }
}
