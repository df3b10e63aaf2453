package io.starling.broker.config;

/**
 * A listener's rate limits; 0 turns one off. Over a limit the node stops reading from the socket (or, for new
 * connections, stops accepting) until the rate allows more, so the excess waits in the sender's TCP buffers.
 *
 * @param connectionRate new connections per second this listener accepts
 * @param bytesRate      bytes per second one connection may send, after a burst of {@code bytesBurst}
 * @param publishRate    PUBLISH packets per second one connection may send, after a burst of {@code publishBurst}
 */
public record RateLimits(double connectionRate, long bytesRate, long bytesBurst, double publishRate,
        long publishBurst) {

    public static final RateLimits NONE = new RateLimits(0, 0, 0, 0, 0);
}
