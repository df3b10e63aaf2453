package io.starling.bridge;

import io.starling.api.Message;
import io.starling.broker.protocol.BrokerServices;
import io.starling.broker.protocol.MessageMapping;
import io.starling.broker.routing.PublishGate;
import io.starling.broker.routing.PublishGate.Verdict;
import io.starling.broker.session.Session;
import io.starling.codec.LogSafe;
import io.starling.codec.MqttProperties;
import io.starling.codec.PacketType;
import io.starling.codec.ReasonCode;
import io.starling.codec.packet.AckPacket;
import io.starling.codec.packet.PublishPacket;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code in} direction: a PUBLISH from the remote is renamed by its rule and published on this node through
 * the publish gate as the bridge ({@code bridge:<name>}, its username): hooks, authorization and limits apply, and
 * it is counted. The remote gets PUBACK or PUBREC only once the gate took the message and the storage holds what
 * it made of it, so a crash before that makes the remote send it again. The QoS 2 packet ids awaiting PUBREL
 * outlive a connection and the node (the remote's session does): they are the bridge's local session's, stored
 * with it before the PUBREC goes out.
 */
final class Inbound {
    private static final Logger LOG = LoggerFactory.getLogger(Inbound.class);

    private final BrokerServices services;
    private final TopicMap topics;
    private final PublishGate.Publisher source;
    private final String clientId;
    private final BridgeStats stats;
    private final String description;
    /** Messages from the remote that no 'in' rule matched (on the link's thread). */
    private long unmatched;
    /**
     * QoS 2 messages at the gate or waiting for the storage, by packet id, with the link their PUBREC goes to: the
     * latest that brought the message, so that one sent again meanwhile (a reconnect) is answered once, not
     * published twice.
     */
    private final Map<Integer, RemoteLink> pendingQos2 = new HashMap<>();

    Inbound(BrokerServices services, TopicMap topics, PublishGate.Publisher source, BridgeStats stats) {
        this.services = services;
        this.topics = topics;
        this.source = source;
        this.clientId = source.client().clientId();
        this.stats = stats;
        this.description = source.describe();
    }

    /** A PUBLISH from the remote, on the link's thread. */
    void publish(RemoteLink link, PublishPacket p) {
        if (p.qos() == 2 && link.session() != null && link.session().awaitsRelease(p.packetId())) {
            // Sent again because our PUBREC was lost: answered, not published twice.
            link.send(AckPacket.of(PacketType.PUBREC, p.packetId()));
            return;
        }
        if (p.qos() == 2 && pendingQos2.containsKey(p.packetId())) {
            // Sent again while the first copy is still being taken: answered when that one is stored.
            pendingQos2.put(p.packetId(), link);
            return;
        }
        String local = topics.toLocal(p.topic());
        if (local == null) {
            // Logged once in a thousand: a remote sending many such messages must not flood the log.
            if (unmatched++ % 1000 == 0) {
                LOG.info("{}: a message on remote topic '{}' matches none of its 'in' rules: dropped ({} so far)",
                        description, LogSafe.escape(p.topic()), unmatched);
            }
            if (p.qos() == 2 && link.session() != null) {
                link.session().beginInboundQos2(p.packetId());
            }
            answer(link, p, ReasonCode.SUCCESS);
            return;
        }
        Message m = MessageMapping.toMessage(local, p.payload(), p.qos(), p.retain(), p.properties(), clientId,
                System.currentTimeMillis());
        link.inboundStarted();
        if (p.qos() == 2) {
            pendingQos2.put(p.packetId(), link);
        }
        services.gate().publish(source, m).whenComplete((verdict, failure) -> link.execute(() -> {
            if (!decided(link, p, verdict, failure)) {
                link.inboundFinished();
                RemoteLink latest = p.qos() == 2 ? pendingQos2.remove(p.packetId()) : null;
                if (latest != null && latest != link) {
                    // Not taken, and the copy sent again meanwhile was held for it: the remote sends it once more.
                    latest.close("the node could not take a message");
                }
            }
        }));
    }

    /**
     * Answers the remote once the gate decided and the storage holds what it took. True while the answer waits for
     * the storage: the message counts as pending until then (so that a stalled disk stops reading from the remote).
     */
    private boolean decided(RemoteLink link, PublishPacket p, Verdict verdict, Throwable failure) {
        if (failure != null) {
            LOG.warn("{}: publishing a message from the remote on '{}' failed: {}", description,
                    LogSafe.escape(p.topic()), failure.toString());
            link.close("the node could not take a message");
            return false;
        }
        int reason;
        if (verdict.accepted()) {
            stats.received.increment();
            reason = ReasonCode.SUCCESS;
        } else if (verdict == Verdict.NOT_AUTHORIZED) {
            reason = ReasonCode.NOT_AUTHORIZED;
        } else {
            reason = ReasonCode.QUOTA_EXCEEDED;
            if (!link.isV5() && (verdict == Verdict.STORAGE_UNAVAILABLE || verdict == Verdict.DELAYED_QUOTA)) {
                // MQTT 3.1.1 cannot refuse one message: unacknowledged, it comes again after the reconnect.
                link.close("the node cannot take messages now (" + verdict + ")");
                return false;
            }
        }
        if (p.qos() == 0) {
            return false;
        }
        int code = link.isV5() ? reason : ReasonCode.SUCCESS;
        if (p.qos() == 2 && !ReasonCode.isError(code) && link.session() != null) {
            // Stored with the barrier below, before the PUBREC: a DUP after a node restart is answered, not published.
            link.session().beginInboundQos2(p.packetId());
        }
        // The storage holds the message (queued for its durable subscribers) before the remote forgets it.
        services.storage().barrier().whenComplete((r, e) -> link.execute(() -> {
            link.inboundFinished();
            RemoteLink latest = p.qos() == 2 ? pendingQos2.remove(p.packetId()) : link;
            if (e != null) {
                link.close("the storage failed: " + e);
            } else if (latest != null) {
                answer(latest, p, code);
            }
        }));
        return true;
    }

    private void answer(RemoteLink link, PublishPacket p, int code) {
        if (p.qos() == 1) {
            link.send(ack(PacketType.PUBACK, p.packetId(), code));
        } else if (p.qos() == 2) {
            link.send(ack(PacketType.PUBREC, p.packetId(), code));
        }
    }

    /** PUBREL from the remote: the exchange ends. */
    void release(RemoteLink link, int packetId) {
        boolean known = link.session() != null && link.session().releaseInboundQos2(packetId);
        link.send(ack(PacketType.PUBCOMP, packetId, known || !link.isV5() ? ReasonCode.SUCCESS
                : ReasonCode.PACKET_IDENTIFIER_NOT_FOUND));
    }

    /** A clean start on the remote: its QoS 2 ids begin anew. */
    void forgetPending(Session session) {
        session.clearInboundQos2();
        pendingQos2.clear();
    }

    private static AckPacket ack(PacketType type, int packetId, int reason) {
        return reason == ReasonCode.SUCCESS ? AckPacket.of(type, packetId)
                : new AckPacket(type, packetId, reason, MqttProperties.NONE);
    }
}
