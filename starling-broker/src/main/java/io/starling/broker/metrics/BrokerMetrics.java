package io.starling.broker.metrics;

import io.starling.api.hook.HookListener.DropReason;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Counters the node keeps from its first packet; the management module publishes them. */
public final class BrokerMetrics {
    private final LongAdder messagesReceived = new LongAdder();
    private final LongAdder messagesSent = new LongAdder();
    private final LongAdder connectionsAccepted = new LongAdder();
    private final LongAdder malformedPackets = new LongAdder();
    private final LongAdder publisherPauses = new LongAdder();
    private final LongAdder throttles = new LongAdder();
    private final AtomicLong connectionsOpen = new AtomicLong();
    private final AtomicLong connectionsMax = new AtomicLong();
    private final Map<DropReason, LongAdder> dropped = new EnumMap<>(DropReason.class);

    public BrokerMetrics() {
        for (DropReason r : DropReason.values()) {
            dropped.put(r, new LongAdder());
        }
    }

    public void messageReceived() {
        messagesReceived.increment();
    }

    public void messageSent() {
        messagesSent.increment();
    }

    public void messageDropped(DropReason reason) {
        dropped.get(reason).increment();
    }

    public void messagesDropped(DropReason reason, long count) {
        dropped.get(reason).add(count);
    }

    /** A publisher's reading paused because a subscriber it feeds fell behind. */
    public void publisherPaused() {
        publisherPauses.increment();
    }

    public long publisherPauses() {
        return publisherPauses.sum();
    }

    /** A connection stopped reading for a while: it went over a rate limit of its listener. */
    public void connectionThrottled() {
        throttles.increment();
    }

    public long connectionThrottles() {
        return throttles.sum();
    }

    public void malformedPacket() {
        malformedPackets.increment();
    }

    public void connectionOpened() {
        connectionsAccepted.increment();
        long open = connectionsOpen.incrementAndGet();
        connectionsMax.accumulateAndGet(open, Math::max);
    }

    public void connectionClosed() {
        connectionsOpen.decrementAndGet();
    }

    public long messagesReceived() {
        return messagesReceived.sum();
    }

    public long messagesSent() {
        return messagesSent.sum();
    }

    public long messagesDropped(DropReason reason) {
        return dropped.get(reason).sum();
    }

    public long messagesDropped() {
        long total = 0;
        for (LongAdder a : dropped.values()) {
            total += a.sum();
        }
        return total;
    }

    public long malformedPackets() {
        return malformedPackets.sum();
    }

    public long connectionsOpen() {
        return connectionsOpen.get();
    }

    public long connectionsMax() {
        return connectionsMax.get();
    }
}
