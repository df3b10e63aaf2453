package io.starling.cluster.retain;

/**
 * A hybrid logical clock: wall-clock milliseconds in the high bits, a counter in the low 16, never going back and
 * always past every time it has seen from another node. Two changes of one retained topic on two nodes are ordered
 * by it (last writer wins), even when the nodes' clocks differ a little.
 */
public final class HybridClock {
    private long last;

    /** A time later than any this clock gave or saw. */
    public synchronized long tick() {
        last = Math.max(System.currentTimeMillis() << 16, last + 1);
        return last;
    }

    /** Takes note of another node's time, so that the next tick comes after it. */
    public synchronized void observe(long remote) {
        last = Math.max(last, remote);
    }

    /** The time of a message kept from before the clock existed (restored from storage): its creation time. */
    public static long ofMillis(long millis) {
        return millis << 16;
    }
}
