package io.starling.stomp;

import io.starling.stomp.frame.FrameException;
import io.starling.stomp.frame.StompFrame;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The open transactions of one connection: the SEND, ACK and NACK frames each holds until COMMIT. */
final class Transactions {
    private final Map<String, List<StompFrame>> open = new HashMap<>();
    private final int maxTransactions;
    private final int maxFrames;

    Transactions(int maxTransactions, int maxFrames) {
        this.maxTransactions = maxTransactions;
        this.maxFrames = maxFrames;
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
        frames.add(frame.without("transaction").without("receipt"));
    }

    /** Ends the transaction; returns what it held, in order. */
    List<StompFrame> end(String id) {
        List<StompFrame> frames = opened(id);
        open.remove(id);
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
