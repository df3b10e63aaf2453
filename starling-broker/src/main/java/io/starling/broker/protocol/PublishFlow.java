package io.starling.broker.protocol;

import io.starling.api.Message;
import io.starling.api.auth.Authorizer.Action;
import io.starling.api.hook.HookListener.DropReason;
import io.starling.broker.config.MqttConfig;
import io.starling.broker.hook.Hooks;
import io.starling.broker.module.DelayedPublisher;
import io.starling.codec.MqttProperties;
import io.starling.codec.PacketType;
import io.starling.codec.ReasonCode;
import io.starling.codec.Topics;
import io.starling.codec.packet.AckPacket;
import io.starling.codec.packet.PublishPacket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Inbound PUBLISH and PUBREL: topic aliases, limits, authorization, routing and the QoS 1/2 answers. */
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
        Hooks hooks = conn.services.hooks();
        if (!hooks.interceptsPublish()) {
            return authorize(packet, message, delaySeconds);
        }
        // Interceptors first, authorization on what they return: a hook cannot reach a topic the rules forbid.
        CompletableFuture<Message> intercepted = hooks.publish(conn.client, message);
        if (intercepted.isDone()) {
            return authorize(packet, intercepted.join(), delaySeconds);
        }
        return intercepted.thenComposeAsync(m -> orDone(authorize(packet, m, delaySeconds)), conn.ctx.executor());
    }

    /** {@code delaySeconds} is -1 for a message to route now, else how long it waits ({@code $delayed/...}). */
    private CompletionStage<?> authorize(PublishPacket packet, Message message, long delaySeconds) {
        if (message == null) {
            stopped(packet);
            return null;
        }
        if (!Topics.isValidTopicName(message.topic())) {
            MqttConnection.LOG.warn("{} {}: a publish hook made the topic '{}', which is not a valid topic name; "
                    + "message dropped", conn.listener.name(), conn.who(), message.topic());
            stopped(packet);
            return null;
        }
        CompletableFuture<Boolean> allowed = conn.authorize(Action.PUBLISH, message.topic());
        if (allowed.isDone()) {
            route(packet, message, allowed.join(), delaySeconds);
            return null;
        }
        return allowed.exceptionally(e -> false)
                .thenAcceptAsync(ok -> route(packet, message, ok, delaySeconds), conn.ctx.executor());
    }

    /** A hook stopped the message: the publisher is answered as for one accepted, nothing is routed. */
    private void stopped(PublishPacket packet) {
        if (conn.state != MqttConnection.State.CONNECTED) {
            return;
        }
        conn.services.metrics().messageDropped(DropReason.STOPPED_BY_HOOK);
        if (packet.qos() == 2) {
            conn.session.beginInboundQos2(packet.packetId());
        }
        answer(packet, ReasonCode.SUCCESS);
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

    private void route(PublishPacket packet, Message message, boolean allowed, long delaySeconds) {
        String topic = message.topic();
        if (conn.state != MqttConnection.State.CONNECTED) {
            return;
        }
        int qos = packet.qos();
        if ((qos > 0 || packet.retain()) && !conn.services.storage().writable()) {
            // The storage cannot take the message (a full disk): refuse rather than acknowledge what may be lost. A
            // retained QoS 0 message would replace the stored one on the heap only, and wait there for the disk;
            // it has no answer to carry the refusal, so it is dropped with this line.
            if (conn.isV5() || qos == 0) {
                MqttConnection.LOG.warn("{} {}: PUBLISH to '{}' refused: storage is not writable", conn.listener.name(),
                        conn.who(), topic);
                answer(packet, ReasonCode.QUOTA_EXCEEDED);
            } else {
                conn.violation(ReasonCode.QUOTA_EXCEEDED, "PUBLISH to '" + topic + "' refused: storage is not writable");
            }
            return;
        }
        if (!allowed) {
            MqttConnection.LOG.info("{} {}: not authorized to publish to '{}'", conn.listener.name(), conn.who(), topic);
            conn.services.metrics().messageDropped(DropReason.NOT_AUTHORIZED);
            // MQTT 3 has no way to say no: the message is acknowledged and dropped.
            int reason = conn.isV5() ? ReasonCode.NOT_AUTHORIZED : ReasonCode.SUCCESS;
            answer(packet, reason);
            return;
        }
        if (qos == 2) {
            conn.session.beginInboundQos2(packet.packetId());
        }
        conn.services.hooks().published(conn.client, message);
        if (delaySeconds >= 0) {
            if (conn.services.delayed().schedule(message, delaySeconds)) {
                answer(packet, ReasonCode.SUCCESS);
            } else {
                refuse(packet, ReasonCode.QUOTA_EXCEEDED, "too many delayed messages wait already");
            }
            return;
        }
        int destinations = conn.services.dispatcher().publish(message, mqtt.pausePublishers() ? conn : null);
        answer(packet, destinations == 0 && conn.isV5() ? ReasonCode.NO_MATCHING_SUBSCRIBERS : ReasonCode.SUCCESS);
    }

    private void answer(PublishPacket packet, int reason) {
        if (packet.qos() == 1) {
            ack(PacketType.PUBACK, packet.packetId(), reason);
        } else if (packet.qos() == 2) {
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
