package io.starling.cluster.data;

import java.util.concurrent.atomic.LongAdder;

/** What crossed the data plane to and from one other node: for Prometheus and the REST API. */
public final class PeerStats {
    public PeerStats() {
    }

    final LongAdder forwarded = new LongAdder();
    final LongAdder forwardedBytes = new LongAdder();
    final LongAdder dropped = new LongAdder();
    final LongAdder received = new LongAdder();
    final LongAdder reconnects = new LongAdder();
    final LongAdder unconfirmed = new LongAdder();

    public long forwarded() {
        return forwarded.sum();
    }

    public long forwardedBytes() {
        return forwardedBytes.sum();
    }

    /** Messages for that node given up: its links down or their buffers full. */
    public long dropped() {
        return dropped.sum();
    }

    public long received() {
        return received.sum();
    }

    /** QoS 1/2 messages the node did not confirm within cluster.forward_timeout (their publishers not told "taken"). */
    public long unconfirmed() {
        return unconfirmed.sum();
    }

    public long reconnects() {
        return reconnects.sum();
    }
}
