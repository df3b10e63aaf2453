package io.starling.stomp;

import io.starling.stomp.frame.FrameException;

/**
 * Heart-beat negotiation (STOMP 1.1 and later): CONNECT says {@code cx,cy} (the client can send every cx ms, wants
 * to hear every cy ms), the node answers {@code sx,sy}. Each way the interval is the larger of the two sides', or
 * none when either side says 0.
 *
 * @param sendMillis   how often the node sends a heart-beat when it has nothing else to send; 0: never
 * @param expectMillis how often the client sends something; 0: the node does not watch
 */
record HeartBeats(long sendMillis, long expectMillis) {
    static final HeartBeats NONE = new HeartBeats(0, 0);

    /** {@code header} is CONNECT's heart-beat header (null: 0,0); {@code sx} and {@code sy} the node's. */
    static HeartBeats negotiate(String header, long sx, long sy) {
        if (header == null) {
            return NONE;
        }
        String[] parts = header.split(",");
        long cx;
        long cy;
        try {
            if (parts.length != 2) {
                throw new NumberFormatException();
            }
            cx = Long.parseLong(parts[0].trim());
            cy = Long.parseLong(parts[1].trim());
        } catch (NumberFormatException e) {
            throw new FrameException("heart-beat header must be two numbers, 'cx,cy', was '" + header + "'");
        }
        if (cx < 0 || cy < 0) {
            throw new FrameException("heart-beat header must not be negative: '" + header + "'");
        }
        return new HeartBeats(cy == 0 || sx == 0 ? 0 : Math.max(sx, cy), cx == 0 || sy == 0 ? 0 : Math.max(cx, sy));
    }
}
