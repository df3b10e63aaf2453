package io.starling.codec.packet;

import io.starling.codec.MqttProperties;
import io.starling.codec.PacketType;
import io.starling.codec.ReasonCode;

/** PUBACK, PUBREC, PUBREL or PUBCOMP: the four packets that acknowledge one packet id. */
public record AckPacket(PacketType type, int packetId, int reasonCode, MqttProperties properties)
        implements MqttPacket {

    public AckPacket {
        if (type != PacketType.PUBACK && type != PacketType.PUBREC && type != PacketType.PUBREL
                && type != PacketType.PUBCOMP) {
            throw new IllegalArgumentException("not an acknowledgement type: " + type);
        }
    }

    public static AckPacket of(PacketType type, int packetId) {
        return new AckPacket(type, packetId, ReasonCode.SUCCESS, MqttProperties.NONE);
    }
}
