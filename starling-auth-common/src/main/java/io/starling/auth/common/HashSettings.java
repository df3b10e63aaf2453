package io.starling.auth.common;

import java.util.Locale;
import java.util.Map;

/**
 * How a backend's stored hashes are made, where a row does not say.
 *
 * @param algorithm        the rows' algorithm when they have no algorithm column
 * @param saltFirst        md5/sha256/sha512 hash salt + password (true) or password + salt
 * @param pbkdf2Mac        the HMAC of pbkdf2: sha1, sha256 or sha512
 * @param pbkdf2Iterations pbkdf2's iterations
 * @param pbkdf2KeyBytes   the derived key's length in bytes; 0 = the HMAC's output length
 */
public record HashSettings(PasswordAlgorithm algorithm, boolean saltFirst, String pbkdf2Mac, int pbkdf2Iterations,
        int pbkdf2KeyBytes) {

    public static HashSettings from(Map<String, String> s) {
        String position = s.getOrDefault("salt_position", "prefix").trim();
        if (!position.equals("prefix") && !position.equals("suffix")) {
            throw new IllegalArgumentException("salt_position must be prefix or suffix, was '" + position + "'");
        }
        String mac = s.getOrDefault("pbkdf2_mac", "sha256").trim().toLowerCase(Locale.ROOT);
        if (!mac.equals("sha1") && !mac.equals("sha256") && !mac.equals("sha512")) {
            throw new IllegalArgumentException("pbkdf2_mac must be sha1, sha256 or sha512, was '" + mac + "'");
        }
        int iterations = Settings.positive(s, "pbkdf2_iterations", 4096);
        int keyBytes = Settings.number(s, "pbkdf2_key_length", 0);
        return new HashSettings(PasswordAlgorithm.parse(s.getOrDefault("password_hash", "sha256")),
                position.equals("prefix"), mac, iterations, keyBytes);
    }
}
