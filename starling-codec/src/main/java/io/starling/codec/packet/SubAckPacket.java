package io.starling.codec.packet;

import io.starling.codec.MqttProperties;
import io.starling.codec.PacketType;
import java.util.List;

/** SUBACK: one MQTT 5 reason code per filter; for MQTT 3 any error is sent as 0x80. */
public record SubAckPacket(int packetId, List<Integer> reasonCodes, MqttProperties properties) implements MqttPacket {

    public SubAckPacket {
        reasonCodes = List.copyOf(reasonCodes);
    }

    @Override
    public PacketType type() {
        return PacketType.SUBACK;
    }
}
