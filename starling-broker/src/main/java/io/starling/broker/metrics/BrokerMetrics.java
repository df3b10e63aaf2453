package io.starling.broker.metrics;

import io.starling.api.hook.HookListener.DropReason;
import io.starling.codec.PacketType;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters the node keeps from its first packet: packets and bytes in and out, messages by QoS, drops by reason.
 * Those bumped per packet or message are per-thread ({@link ThreadCounters}: no atomic instruction), the rarer
 * ones {@link LongAdder}s; {@link #snapshot()} names them as
 * emqttd's {@code $SYS/brokers/<node>/metrics/...} does, for $SYS, the REST API and Prometheus.
 */
public final class BrokerMetrics {
    private static final PacketType[] TYPES = PacketType.values();
    // The message path's counters, per thread (ThreadCounters): indexes into one array.
    private static final int PACKETS_RECEIVED = 0;
    private static final int PACKETS_SENT = PACKETS_RECEIVED + TYPES.length;
    private static final int BYTES_RECEIVED = PACKETS_SENT + TYPES.length;
    private static final int BYTES_SENT = BYTES_RECEIVED + 1;
    private static final int MESSAGES_RECEIVED = BYTES_SENT + 1;
    private static final int MESSAGES_SENT = MESSAGES_RECEIVED + 3;
    private static final int RETAINED_RECEIVED = MESSAGES_SENT + 3;
    private final ThreadCounters hot = new ThreadCounters(RETAINED_RECEIVED + 1);
    private final LongAdder connectionsAccepted = new LongAdder();
    private final LongAdder malformedPackets = new LongAdder();
    private final LongAdder publisherPauses = new LongAdder();
    private final LongAdder throttles = new LongAdder();
    private final LongAdder loginsLockedOut = new LongAdder();
    private final AtomicLong connectionsOpen = new AtomicLong();
    private final AtomicLong connectionsMax = new AtomicLong();
    private final Map<DropReason, LongAdder> dropped = new EnumMap<>(DropReason.class);

    public BrokerMetrics() {
        for (DropReason r : DropReason.values()) {
            dropped.put(r, new LongAdder());
        }
    }

    /** A packet decoded from a client, of {@code bytes} on the wire. */
    public void packetReceived(PacketType type, int bytes) {
        hot.add(PACKETS_RECEIVED + type.ordinal(), 1, BYTES_RECEIVED, bytes);
    }

    /** A packet encoded for a client, of {@code bytes} on the wire. */
    public void packetSent(PacketType type, int bytes) {
        hot.add(PACKETS_SENT + type.ordinal(), 1, BYTES_SENT, bytes);
    }

    /** A message published by a client (or the HTTP API) and handed to the router. */
    public void messageReceived(int qos, boolean retain) {
        hot.add(MESSAGES_RECEIVED + qos, 1);
        if (retain) {
            hot.add(RETAINED_RECEIVED, 1);
        }
    }

    /** A message delivered to a subscriber at {@code qos}. */
    public void messageSent(int qos) {
        hot.add(MESSAGES_SENT + qos, 1);
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

    /** A login refused without a check: its address or username failed too often (authentication.login_throttle). */
    public void loginLockedOut() {
        loginsLockedOut.increment();
    }

    public long loginsLockedOut() {
        return loginsLockedOut.sum();
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
        return messagesReceived(0) + messagesReceived(1) + messagesReceived(2);
    }

    public long messagesSent() {
        return messagesSent(0) + messagesSent(1) + messagesSent(2);
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

    public long connectionsAccepted() {
        return connectionsAccepted.sum();
    }

    public long packetsReceived(PacketType type) {
        return hot.sum(PACKETS_RECEIVED + type.ordinal());
    }

    public long packetsSent(PacketType type) {
        return hot.sum(PACKETS_SENT + type.ordinal());
    }

    public long bytesReceived() {
        return hot.sum(BYTES_RECEIVED);
    }

    public long bytesSent() {
        return hot.sum(BYTES_SENT);
    }

    public long messagesReceived(int qos) {
        return hot.sum(MESSAGES_RECEIVED + qos);
    }

    public long messagesSent(int qos) {
        return hot.sum(MESSAGES_SENT + qos);
    }

    public long retainedReceived() {
        return hot.sum(RETAINED_RECEIVED);
    }

    /**
     * Every counter under its emqttd-style name ({@code packets/publish/received}, {@code messages/qos1/sent},
     * {@code messages/dropped/queue_full}, ...), in a stable order.
     */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("bytes/received", bytesReceived());
        m.put("bytes/sent", bytesSent());
        long in = 0;
        long out = 0;
        for (PacketType t : TYPES) {
            in += packetsReceived(t);
            out += packetsSent(t);
        }
        m.put("packets/received", in);
        m.put("packets/sent", out);
        for (PacketType t : TYPES) {
            String name = t.name().toLowerCase(Locale.ROOT);
            m.put("packets/" + name + "/received", packetsReceived(t));
            m.put("packets/" + name + "/sent", packetsSent(t));
        }
        m.put("packets/malformed", malformedPackets());
        m.put("messages/received", messagesReceived());
        m.put("messages/sent", messagesSent());
        for (int q = 0; q < 3; q++) {
            m.put("messages/qos" + q + "/received", messagesReceived(q));
            m.put("messages/qos" + q + "/sent", messagesSent(q));
        }
        m.put("messages/retained", retainedReceived());
        m.put("messages/dropped", messagesDropped());
        for (DropReason r : DropReason.values()) {
            m.put("messages/dropped/" + r.name().toLowerCase(Locale.ROOT), messagesDropped(r));
        }
        m.put("connections/accepted", connectionsAccepted());
        m.put("connections/throttled", connectionThrottles());
        m.put("connections/locked_out", loginsLockedOut());
        m.put("publishers/paused", publisherPauses());
        return m;
    }
}
