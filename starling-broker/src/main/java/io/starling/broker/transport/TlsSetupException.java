package io.starling.broker.transport;

/** A listener's TLS files or settings cannot be used; the message names the listener, the file and why. */
public final class TlsSetupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TlsSetupException(String message) {
        super(message);
    }

    TlsSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
