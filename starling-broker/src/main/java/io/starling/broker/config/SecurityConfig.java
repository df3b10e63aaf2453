package io.starling.broker.config;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * The built-in user database.
 *
 * @param passwordFile       the users and their password hashes; null: no built-in users
 * @param passwordIterations PBKDF2 iterations for new and changed passwords
 */
public record SecurityConfig(Path passwordFile, int passwordIterations) {

    public SecurityConfig under(UnaryOperator<Path> resolve) {
        return new SecurityConfig(passwordFile == null ? null : resolve.apply(passwordFile), passwordIterations);
    }
}
