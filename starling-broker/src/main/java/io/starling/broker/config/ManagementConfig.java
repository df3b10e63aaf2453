package io.starling.broker.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The management HTTP server (REST API, Prometheus, later the dashboard), from the {@code management} section.
 *
 * @param enabled         whether the node starts it (an embedded node also needs the management module)
 * @param host            address to bind
 * @param port            port to bind; 0: one from the OS
 * @param adminsFile      the administrators and their password hashes (relative: in the data directory)
 * @param apiKeysFile     the API keys and their hashed secrets (relative: in the data directory)
 * @param defaultUsername the administrator created when there is none
 * @param defaultPassword its password, which the first login must change
 * @param maxFailures     failed logins from one address before it is locked out
 * @param lockout         how long such an address is refused
 */
public record ManagementConfig(boolean enabled, String host, int port, Path adminsFile, Path apiKeysFile,
        String defaultUsername, String defaultPassword, int maxFailures, Duration lockout) {

    /** The same with relative file names resolved in {@code dataDir}. */
    public ManagementConfig in(Path dataDir) {
        return new ManagementConfig(enabled, host, port, dataDir.resolve(adminsFile), dataDir.resolve(apiKeysFile),
                defaultUsername, defaultPassword, maxFailures, lockout);
    }

    public ManagementConfig withBind(String newHost, int newPort) {
        return new ManagementConfig(enabled, newHost, newPort, adminsFile, apiKeysFile, defaultUsername,
                defaultPassword, maxFailures, lockout);
    }
}
