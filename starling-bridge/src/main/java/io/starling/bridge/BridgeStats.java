package io.starling.bridge;

import java.util.concurrent.atomic.LongAdder;

/** A bridge's counters since the node started. */
final class BridgeStats {
    /** Messages the remote took: QoS 1/2 acknowledged, QoS 0 written. */
    final LongAdder forwarded = new LongAdder();
    /** Messages from the remote that the node's publish gate took. */
    final LongAdder received = new LongAdder();
    /** Messages given up for the remote, counted by the bridge's session (queue bound, too large, expired). */
    final LongAdder dropped = new LongAdder();
    /** Connections made to the remote after the first. */
    final LongAdder reconnects = new LongAdder();
    /** Connections accepted by the remote (CONNACK success). */
    final LongAdder connects = new LongAdder();
}
