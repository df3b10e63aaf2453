package io.starling.broker.plugin;

/** A plugin cannot be found, read, loaded or unloaded; the message says which and why. */
public final class PluginException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PluginException(String message) {
        super(message);
    }

    PluginException(String message, Throwable cause) {
        super(message, cause);
    }
}
