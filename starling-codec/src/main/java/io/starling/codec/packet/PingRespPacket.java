package io.starling.codec.packet;

import io.starling.codec.PacketType;

/** PINGRESP. */
public record PingRespPacket() implements MqttPacket {
    public static final PingRespPacket INSTANCE = new PingRespPacket();

    @Override
    public PacketType type() {
        return PacketType.PINGRESP;
    }
}
