package io.starling.codec.packet;

import io.starling.codec.MqttProperties;
import io.starling.codec.PacketType;
import java.util.List;

/** SUBSCRIBE. */
public record SubscribePacket(int packetId, List<TopicSubscription> subscriptions, MqttProperties properties)
        implements MqttPacket {

    public SubscribePacket {
        subscriptions = List.copyOf(subscriptions);
    }

    @Override
    public PacketType type() {
        return PacketType.SUBSCRIBE;
    }
}
