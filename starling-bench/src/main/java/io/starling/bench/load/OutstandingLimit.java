package io.starling.bench.load;

/**
 * Closed-loop publishing for {@code pubsub}: publishers wait while more than a set number of deliveries are
 * published but not yet received, so that the offered load follows what the broker forwards instead of
 * piling up in its buffers. A broker that drops (QoS 0) would hold the publishers forever: when nothing
 * arrives for a while, what is outstanding counts as lost and publishing goes on.
 */
final class OutstandingLimit {
    private static final long STALL_NANOS = 100_000_000L;

    private final long limit;
    private final int deliveriesPerMessage;
    private final BenchStats stats;
    private long forgiven;
    private long lastReceived = -1;
    private long lastProgressNanos = System.nanoTime();

    OutstandingLimit(long limit, int deliveriesPerMessage, BenchStats stats) {
        this.limit = limit;
        this.deliveriesPerMessage = Math.max(1, deliveriesPerMessage);
        this.stats = stats;
    }

    /** Whether a publisher may send now; called once per batch by each publisher's event loop. */
    synchronized boolean allows() {
        long received = stats.received.sum();
        long outstanding = stats.sent.sum() * deliveriesPerMessage - received - forgiven;
        if (outstanding < limit) {
            return true;
        }
        long now = System.nanoTime();
        if (received != lastReceived) {
            lastReceived = received;
            lastProgressNanos = now;
        } else if (now - lastProgressNanos > STALL_NANOS) {
            forgiven += outstanding;
            lastProgressNanos = now;
            return true;
        }
        return false;
    }
}
