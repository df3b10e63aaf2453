package io.starling.broker.transport;

/** A listener could not bind its address: the message says which listener and which port. */
public final class ListenerBindException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ListenerBindException(String message, Throwable cause) {
        super(message, cause);
    }
}
