package io.starling.stomp;

import io.starling.stomp.frame.FrameException;
import io.starling.stomp.frame.StompFrame;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The open transactions of one connection: the SEND, ACK and NACK frames each holds until COMMIT, on the heap. Bound
 * in count and in bytes across all of them, so that a connection cannot hold more than {@code maxBytes} however many
 * transactions it opens.
 */
final class Transactions {
    /** A connection's transactions hold at most this many times {@code stomp.max_frame_bytes}. */
    static final int FRAMES_OF_BYTES = 4;

    private final Map<String, List<StompFrame>> open = new HashMap<>();
    private final int maxTransactions;
    private final int maxFrames;
    private final long maxBytes;
    private long heldBytes;

    Transactions(int maxTransactions, int maxFrames, long maxBytes) {
        this.maxTransactions = maxTransactions;
        this.maxFrames = maxFrames;
        this.maxBytes = maxBytes;
    }

    void begin(String id) {
        if (open.containsKey(id)) {
            throw new FrameException("transaction '" + id + "' has already begun");
        }
        if (open.size() >= maxTransactions) {
            throw new FrameException("more than " + maxTransactions + " transactions open at once");
        }
        open.put(id, new ArrayList<>());
    }

    /** Holds a frame (taken out of its transaction) until COMMIT. */
    void hold(String id, StompFrame frame) {
        List<StompFrame> frames = opened(id);
        if (frames.size() >= maxFrames) {
            throw new FrameException("transaction '" + id + "' holds more than " + maxFrames + " frames");
        }
        StompFrame held = frame.without("transaction").without("receipt");
        long size = size(held);
        if (heldBytes + size > maxBytes) {
            throw new FrameException("the open transactions hold more than " + maxBytes + " bytes");
        }
        heldBytes += size;
        frames.add(held);
    }

    private static long size(StompFrame frame) {
        long size = frame.command().length() + frame.body().length;
        for (Map.Entry<String, String> h : frame.headers().entrySet()) {
            size += h.getKey().length() + h.getValue().length() + 2;
        }
        return size;
    }

    /** Ends the transaction; returns what it held, in order. */
    List<StompFrame> end(String id) {
        List<StompFrame> frames = opened(id);
        open.remove(id);
        for (StompFrame f : frames) {
            heldBytes -= size(f);
        }
        return frames;
    }

    private List<StompFrame> opened(String id) {
        List<StompFrame> frames = open.get(id);
        if (frames == null) {
            throw new FrameException("no transaction '" + id + "' has begun");
        }
        return frames;
    }
}
