package io.starling.bench.load;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/** Counters and latency recorders shared by every client of a run; written from the event loops. */
final class BenchStats {
    final LongAdder connects = new LongAdder();
    final AtomicLong connected = new AtomicLong();
    final LongAdder subscribed = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder sent = new LongAdder();
    /** QoS 1/2 messages sent, the ones that await an acknowledgement. */
    final LongAdder sentAwaitingAck = new LongAdder();
    final LongAdder acked = new LongAdder();
    final LongAdder refused = new LongAdder();
    final LongAdder received = new LongAdder();
    final LongAdder duplicates = new LongAdder();
    /** End-to-end latency in microseconds, from the probe's send time to arrival. */
    final Recorder latency = new Recorder(1, 60_000_000L, 3);
    /** From the TCP connect call to CONNACK, in microseconds. */
    final Recorder connectTime = new Recorder(1, 600_000_000L, 3);
    private final AtomicLong lastConnackMicros = new AtomicLong();
    private volatile String lastError;

    void connackReceived(long startedMicros) {
        long now = Probe.nowMicros();
        connects.increment();
        connected.incrementAndGet();
        connectTime.recordValue(Math.max(1, now - startedMicros));
        lastConnackMicros.accumulateAndGet(now, Math::max);
    }

    void error(String what) {
        errors.increment();
        lastError = what;
    }

    String lastError() {
        return lastError;
    }

    long lastConnackMicros() {
        return lastConnackMicros.get();
    }

    long inflight() {
        return Math.max(0, sentAwaitingAck.sum() - acked.sum() - refused.sum());
    }

    /** A snapshot of the counters at one instant, for rates over an interval. */
    record Snapshot(long atNanos, long connects, long sent, long acked, long received, long errors) {
    }

    Snapshot snapshot() {
        return new Snapshot(System.nanoTime(), connects.sum(), sent.sum(), acked.sum(), received.sum(),
                errors.sum());
    }

    static Histogram empty() {
        return new Histogram(1, 60_000_000L, 3);
    }
}
