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
 * Each is a {@link LongAdder} (one cell per contending thread, no lock); {@link #snapshot()} names them as
 * emqttd's {@code $SYS/brokers/<node>/metrics/...} does, for $SYS, the REST API and Prometheus.
 */
public final class BrokerMetrics {
    private static final PacketType[] TYPES = PacketType.values();
    private final LongAdder[] packetsReceived = adders(TYPES.length);
    private final LongAdder[] packetsSent = adders(TYPES.length);
    private final LongAdder bytesReceived = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder[] messagesReceivedByQos = adders(3);
    private final LongAdder[] messagesSentByQos = adders(3);
    private final LongAdder retainedReceived = new LongAdder();
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

    private static LongAdder[] adders(int n) {
        LongAdder[] out = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            out[i] = new LongAdder();
        }
        return out;
    }

    /** A packet decoded from a client, of {@code bytes} on the wire. */
    public void packetReceived(PacketType type, int bytes) {
        packetsReceived[type.ordinal()].increment();
        bytesReceived.add(bytes);
    }

    /** A packet encoded for a client, of {@code bytes} on the wire. */
    public void packetSent(PacketType type, int bytes) {
        packetsSent[type.ordinal()].increment();
        bytesSent.add(bytes);
    }

    /** A message published by a client (or the HTTP API) and handed to the router. */
    public void messageReceived(int qos, boolean retain) {
        messagesReceived.increment();
        messagesReceivedByQos[qos].increment();
        if (retain) {
            retainedReceived.increment();
        }
    }

    /** A message delivered to a subscriber at {@code qos}. */
    public void messageSent(int qos) {
        messagesSent.increment();
        messagesSentByQos[qos].increment();
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

    public long connectionsAccepted() {
        return connectionsAccepted.sum();
    }

    public long packetsReceived(PacketType type) {
        return packetsReceived[type.ordinal()].sum();
    }

    public long packetsSent(PacketType type) {
        return packetsSent[type.ordinal()].sum();
    }

    public long bytesReceived() {
        return bytesReceived.sum();
    }

    public long bytesSent() {
        return bytesSent.sum();
    }

    public long messagesReceived(int qos) {
        return messagesReceivedByQos[qos].sum();
    }

    public long messagesSent(int qos) {
        return messagesSentByQos[qos].sum();
    }

    public long retainedReceived() {
        return retainedReceived.sum();
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
        m.put("publishers/paused", publisherPauses());
        return m;
    }
}
