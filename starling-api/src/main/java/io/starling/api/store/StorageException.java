package io.starling.api.store;

/** A storage could not be opened or could not store a change; the message says what and where. */
public final class StorageException extends RuntimeException {

    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
