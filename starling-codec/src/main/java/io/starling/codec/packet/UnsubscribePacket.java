package io.starling.codec.packet;

import io.starling.codec.MqttProperties;
import io.starling.codec.PacketType;
import java.util.List;

/** UNSUBSCRIBE. */
public record UnsubscribePacket(int packetId, List<String> topicFilters, MqttProperties properties)
        implements MqttPacket {

    public UnsubscribePacket {
        topicFilters = List.copyOf(topicFilters);
    }

    @Override
    public PacketType type() {
        return PacketType.UNSUBSCRIBE;
    }
}
