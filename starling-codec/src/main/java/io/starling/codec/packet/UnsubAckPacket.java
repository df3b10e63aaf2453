package io.starling.codec.packet;

import io.starling.codec.MqttProperties;
import io.starling.codec.PacketType;
import java.util.List;

/** UNSUBACK: MQTT 5 carries one reason code per filter; MQTT 3 carries none. */
public record UnsubAckPacket(int packetId, List<Integer> reasonCodes, MqttProperties properties)
        implements MqttPacket {

    public UnsubAckPacket {
        reasonCodes = List.copyOf(reasonCodes);
    }

    @Override
    public PacketType type() {
        return PacketType.UNSUBACK;
    }
}
