package io.starling.broker.security;

/**
 * A SCRAM exchange that cannot go on. {@code badCredentials}: the user is unknown or its proof wrong (CONNACK
 * 0x86); otherwise the client broke the protocol (0x87).
 */
public final class ScramException extends Exception {
    private final boolean badCredentials;

    ScramException(boolean badCredentials, String message) {
        super(message, null, false, false);
        this.badCredentials = badCredentials;
    }

    public boolean badCredentials() {
        return badCredentials;
    }
}
