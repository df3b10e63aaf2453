package io.starling.auth.common;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A password as a backend stores it: the hash (hex for md5, sha256, sha512 and pbkdf2; {@code $2b$...} for bcrypt), its salt
 * (may be empty) and algorithm. Comparisons take the same time whatever the position of the first difference.
 */
public record StoredPassword(String hash, String salt, PasswordAlgorithm algorithm) {

    public StoredPassword {
        salt = salt == null ? "" : salt;
    }

    /** Whether the password the client sent is this one; false for a client that sent none. */
    public boolean matches(byte[] password, HashSettings settings) {
        if (password == null || hash == null) {
            return false;
        }
        return switch (algorithm) {
            case PLAIN -> MessageDigest.isEqual(hash.getBytes(StandardCharsets.UTF_8), password);
            case MD5 -> sameHex(digest("MD5", password, settings.saltFirst()));
            case SHA256 -> sameHex(digest("SHA-256", password, settings.saltFirst()));
            case SHA512 -> sameHex(digest("SHA-512", password, settings.saltFirst()));
            case BCRYPT -> BCrypt.verifyer().verify(password, hash.getBytes(StandardCharsets.UTF_8)).verified;
            case PBKDF2 -> sameHex(pbkdf2(password, settings));
        };
    }

    private boolean sameHex(byte[] computed) {
        byte[] stored;
        try {
            stored = HexFormat.of().parseHex(hash.trim());
        } catch (IllegalArgumentException notHex) {
            return false;
        }
        return MessageDigest.isEqual(stored, computed);
    }

    private byte[] digest(String name, byte[] password, boolean saltFirst) {
        try {
            MessageDigest d = MessageDigest.getInstance(name);
            byte[] s = salt.getBytes(StandardCharsets.UTF_8);
            if (saltFirst) {
                d.update(s);
                d.update(password);
            } else {
                d.update(password);
                d.update(s);
            }
            return d.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(name + " is not available in this JDK", e);
        }
    }

    private byte[] pbkdf2(byte[] password, HashSettings settings) {
        String mac = switch (settings.pbkdf2Mac()) {
            case "sha1" -> "PBKDF2WithHmacSHA1";
            case "sha512" -> "PBKDF2WithHmacSHA512";
            default -> "PBKDF2WithHmacSHA256";
        };
        int bits = settings.pbkdf2KeyBytes() > 0 ? settings.pbkdf2KeyBytes() * 8
                : hash.trim().length() / 2 * 8;
        char[] chars = new String(password, StandardCharsets.UTF_8).toCharArray();
        PBEKeySpec spec = new PBEKeySpec(chars, salt.getBytes(StandardCharsets.UTF_8), settings.pbkdf2Iterations(),
                Math.max(bits, 8));
        try {
            return SecretKeyFactory.getInstance(mac).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(mac + " is not available in this JDK", e);
        } finally {
            spec.clearPassword();
            java.util.Arrays.fill(chars, '\0');
        }
    }
}
