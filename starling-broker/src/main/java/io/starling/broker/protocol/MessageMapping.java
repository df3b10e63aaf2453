package io.starling.broker.protocol;

import io.starling.api.Message;
import io.starling.api.MessageProperties;
import io.starling.api.QoS;
import io.starling.codec.MqttProperties;
import io.starling.codec.packet.Will;

/** Converts between packet properties and the message properties that travel with a message (connections, bridges). */
public final class MessageMapping {

    private MessageMapping() {
    }

    public static Message toMessage(String topic, byte[] payload, int qos, boolean retain, MqttProperties p,
            String publisherId, long now) {
        return new Message(topic, payload, QoS.of(qos), retain, messageProperties(p), publisherId, now);
    }

    static Message willMessage(Will will, String publisherId, long now) {
        return toMessage(will.topic(), will.payload(), will.qos(), will.retain(), will.properties(), publisherId, now);
    }

    private static MessageProperties messageProperties(MqttProperties p) {
        if (p == MqttProperties.NONE) {
            return MessageProperties.NONE;
        }
        if (p.payloadFormatIndicator() == null && p.messageExpiryInterval() == null && p.contentType() == null
                && p.responseTopic() == null && p.correlationData() == null && p.userProperties().isEmpty()) {
            return MessageProperties.NONE;
        }
        return new MessageProperties(p.payloadFormatIndicator(), p.messageExpiryInterval(), p.contentType(),
                p.responseTopic(), p.correlationData(), p.userProperties());
    }

    /** The MQTT 5 properties of an outbound PUBLISH: the message's own, expiry counted down, and the ids. */
    public static MqttProperties publishProperties(Message m, int[] subscriptionIds, Integer topicAlias, long now) {
        MessageProperties mp = m.properties();
        if (mp == MessageProperties.NONE && subscriptionIds.length == 0 && topicAlias == null) {
            return MqttProperties.NONE;
        }
        MqttProperties.Builder b = MqttProperties.builder()
                .payloadFormatIndicator(mp.payloadFormatIndicator())
                .messageExpiryInterval(m.remainingExpirySeconds(now))
                .contentType(mp.contentType())
                .responseTopic(mp.responseTopic())
                .correlationData(mp.correlationData())
                .userProperties(mp.userProperties())
                .topicAlias(topicAlias);
        for (int id : subscriptionIds) {
            b.addSubscriptionIdentifier(id);
        }
        return b.build();
    }
}
