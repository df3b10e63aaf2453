package io.starling.broker.protocol;

import io.starling.api.Message;
import io.starling.broker.config.MqttConfig;
import io.starling.broker.module.DelayedPublisher;
import io.starling.broker.routing.PublishGate.Verdict;
import io.starling.codec.LogSafe;
import io.starling.codec.MqttProperties;
import io.starling.codec.PacketType;
import io.starling.codec.ReasonCode;
import io.starling.codec.Topics;
import io.starling.codec.packet.AckPacket;
import io.starling.codec.packet.PublishPacket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Inbound PUBLISH and PUBREL: topic aliases and the protocol's own checks here; hooks, authorization, quotas and
 * routing in the node's {@link io.starling.broker.routing.PublishGate}; then the QoS 1/2 answers.
 */
final class PublishFlow {
    private final MqttConnection conn;
    private final MqttConfig mqtt;

    PublishFlow(MqttConnection conn) {
        this.conn = conn;
        this.mqtt = conn.services.mqtt();
    }

    CompletionStage<?> publish(PublishPacket packet) {
        String topic = resolveTopic(packet);
        if (topic == null) {
            return null;
        }
        long delay = -1;
        DelayedPublisher delayed = conn.services.delayed();
        if (delayed != null && DelayedPublisher.isDelayed(topic)) {
            DelayedPublisher.Request r = delayed.parse(topic);
            if (r.problem() != null || !Topics.isValidTopicName(r.topic())) {
                refuse(packet, ReasonCode.TOPIC_NAME_INVALID, r.problem() != null ? r.problem()
                        : "'" + r.topic() + "' is not a valid topic name");
                return null;
            }
            topic = r.topic();
            delay = r.seconds();
        }
        long delaySeconds = delay;
        if (packet.qos() > mqtt.maxQos()) {
            conn.violation(ReasonCode.QOS_NOT_SUPPORTED, "PUBLISH with QoS " + packet.qos() + " above maximum");
            return null;
        }
        if (packet.retain() && !mqtt.retainAvailable()) {
            conn.violation(ReasonCode.RETAIN_NOT_SUPPORTED, "retained PUBLISH but retain is not available");
            return null;
        }
        if (Topics.levels(topic) > mqtt.maxTopicLevels()) {
            refuse(packet, ReasonCode.TOPIC_NAME_INVALID, "topic has more than " + mqtt.maxTopicLevels() + " levels");
            return null;
        }
        if (packet.qos() == 2) {
            if (conn.session.awaitsRelease(packet.packetId())) {
                // A resent QoS 2 PUBLISH whose PUBREC was lost: answer again, route nothing.
                ack(PacketType.PUBREC, packet.packetId(), ReasonCode.SUCCESS);
                return null;
            }
            // Receive Maximum exists only in MQTT 5, where CONNACK announced it. MQTT 3.1/3.1.1 clients were
            // never told a limit; their packet identifiers bound them to 65535 awaiting PUBREL.
            if (conn.isV5() && conn.session.inboundQos2Count() >= mqtt.receiveMaximum()) {
                conn.violation(ReasonCode.RECEIVE_MAXIMUM_EXCEEDED,
                        "more than " + mqtt.receiveMaximum() + " QoS 2 messages awaiting PUBREL");
                return null;
            }
        }
        Message message = MessageMapping.toMessage(topic, packet.payload(), packet.qos(), packet.retain(),
                packet.properties(), conn.client.clientId(), System.currentTimeMillis());
        CompletableFuture<Verdict> verdict = conn.services.gate().publish(conn, message, delaySeconds);
        if (verdict.isDone()) {
            answer(packet, message, verdict.join());
            return null;
        }
        // The gate continues on this connection's event loop.
        return verdict.thenAccept(v -> answer(packet, message, v));
    }

    static CompletionStage<?> orDone(CompletionStage<?> stage) {
        return stage == null ? CompletableFuture.completedFuture(null) : stage;
    }

    /** The topic the PUBLISH is for, after topic aliases; null when the connection was closed for it. */
    private String resolveTopic(PublishPacket packet) {
        Integer alias = packet.properties().topicAlias();
        if (alias == null) {
            return packet.topic();
        }
        if (!conn.inboundAliases().isValid(alias)) {
            conn.violation(ReasonCode.TOPIC_ALIAS_INVALID, "topic alias " + alias + " outside 1.." + conn.inboundAliasMaximum);
            return null;
        }
        if (!packet.topic().isEmpty()) {
            conn.inboundAliases().set(alias, packet.topic());
            return packet.topic();
        }
        String topic = conn.inboundAliases().get(alias);
        if (topic == null) {
            conn.violation(ReasonCode.PROTOCOL_ERROR, "topic alias " + alias + " used before it was set");
        }
        return topic;
    }

    /** Answers the publisher as the gate decided (it logged and counted what it refused). */
    private void answer(PublishPacket packet, Message message, Verdict verdict) {
        if (conn.state != MqttConnection.State.CONNECTED) {
            return;
        }
        switch (verdict) {
            case SOURCE_CLOSED -> {
            }
            case ROUTED, DELAYED, STOPPED_BY_HOOK -> answer(packet, ReasonCode.SUCCESS);
            case NO_SUBSCRIBERS -> answer(packet, conn.isV5() ? ReasonCode.NO_MATCHING_SUBSCRIBERS : ReasonCode.SUCCESS);
            // MQTT 3 has no way to say no: the message is acknowledged and dropped.
            case NOT_AUTHORIZED -> answer(packet, conn.isV5() ? ReasonCode.NOT_AUTHORIZED : ReasonCode.SUCCESS);
            case RETAINED_QUOTA -> answer(packet, conn.isV5() ? ReasonCode.QUOTA_EXCEEDED : ReasonCode.SUCCESS);
            // Checked before the gate for a connection (a hook may still make the topic too deep).
            case NOT_SUPPORTED -> answer(packet, conn.isV5() ? ReasonCode.TOPIC_NAME_INVALID : ReasonCode.SUCCESS);
            // A retained QoS 0 message has no answer to carry the refusal: the gate's log line says it was dropped.
            case STORAGE_UNAVAILABLE, DELAYED_QUOTA -> {
                if (packet.qos() == 0 && verdict == Verdict.STORAGE_UNAVAILABLE) {
                    return;
                }
                if (conn.isV5() && packet.qos() > 0) {
                    answer(packet, ReasonCode.QUOTA_EXCEEDED);
                } else {
                    conn.violation(ReasonCode.QUOTA_EXCEEDED, "PUBLISH to '" + LogSafe.escape(message.topic())
                            + "' refused: " + (verdict == Verdict.DELAYED_QUOTA ? "too many delayed messages wait already"
                            : "storage is not writable"));
                }
            }
        }
    }

    private void answer(PublishPacket packet, int reason) {
        if (packet.qos() == 1) {
            ack(PacketType.PUBACK, packet.packetId(), reason);
        } else if (packet.qos() == 2) {
            // Only a PUBREC that takes the message leaves its packet id awaiting PUBREL: after an error code the
            // client may use the id again at once [MQTT-4.3.3], and a new message on it must be routed.
            if (!ReasonCode.isError(reason)) {
                conn.session.beginInboundQos2(packet.packetId());
            }
            ack(PacketType.PUBREC, packet.packetId(), reason);
        }
    }

    private void refuse(PublishPacket packet, int reason, String why) {
        if (packet.qos() > 0 && conn.isV5()) {
            MqttConnection.LOG.info("{} {}: PUBLISH refused (reason 0x{}): {}", conn.listener.name(), conn.who(),
                    Integer.toHexString(reason), why);
            ack(packet.qos() == 1 ? PacketType.PUBACK : PacketType.PUBREC, packet.packetId(), reason);
        } else {
            conn.violation(reason, why);
        }
    }

    void release(AckPacket pubrel) {
        boolean known = conn.session.releaseInboundQos2(pubrel.packetId());
        int reason = known || !conn.isV5() ? ReasonCode.SUCCESS : ReasonCode.PACKET_IDENTIFIER_NOT_FOUND;
        ack(PacketType.PUBCOMP, pubrel.packetId(), reason);
    }

    private void ack(PacketType type, int packetId, int reason) {
        AckPacket ack = reason == ReasonCode.SUCCESS ? AckPacket.of(type, packetId)
                : new AckPacket(type, packetId, reason, MqttProperties.NONE);
        conn.acknowledge(ack);
    }
}
