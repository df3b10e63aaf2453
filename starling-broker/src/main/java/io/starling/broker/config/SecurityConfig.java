package io.starling.broker.config;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * The built-in user database, the ACL file and the authorization cache.
 *
 * @param passwordFile       the users and their password hashes; null: no built-in users
 * @param passwordIterations PBKDF2 iterations for new and changed passwords
 * @param scramIterations    SCRAM-SHA-256 iterations for new and changed passwords
 * @param aclFile            the ACL rules; null: none
 * @param cacheSize          authorization decisions each connection keeps; 0: no cache
 * @param cacheTtl           how long a kept decision holds
 * @param loginThrottle      how failed MQTT logins are throttled
 */
public record SecurityConfig(Path passwordFile, int passwordIterations, int scramIterations, Path aclFile, int cacheSize,
        java.time.Duration cacheTtl, LoginThrottleConfig loginThrottle) {

    public SecurityConfig under(UnaryOperator<Path> resolve) {
        return new SecurityConfig(passwordFile == null ? null : resolve.apply(passwordFile), passwordIterations,
                scramIterations, aclFile == null ? null : resolve.apply(aclFile), cacheSize, cacheTtl, loginThrottle);
    }
}
