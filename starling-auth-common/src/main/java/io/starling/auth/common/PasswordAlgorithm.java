package io.starling.auth.common;

import java.util.Locale;

/** How a backend's row stores a password. A row may name its own; the backend's setting is the default. */
public enum PasswordAlgorithm {
    PLAIN, MD5, SHA256, SHA512, BCRYPT, PBKDF2;

    /** {@code plain}, {@code md5}, {@code sha256}, {@code sha512}, {@code bcrypt} or {@code pbkdf2}. */
    public static PasswordAlgorithm parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("password hash '" + name
                    + "' is not one of plain, md5, sha256, sha512, bcrypt, pbkdf2");
        }
    }
}
