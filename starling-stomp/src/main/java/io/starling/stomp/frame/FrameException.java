package io.starling.stomp.frame;

/** A frame the node cannot accept; the message is what the ERROR frame tells the client. */
public final class FrameException extends RuntimeException {
    public FrameException(String message) {
        super(message, null, false, false);
    }
}
