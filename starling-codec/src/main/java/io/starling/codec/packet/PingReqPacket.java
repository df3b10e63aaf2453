package io.starling.codec.packet;

import io.starling.codec.PacketType;

/** PINGREQ. */
public record PingReqPacket() implements MqttPacket {
    public static final PingReqPacket INSTANCE = new PingReqPacket();

    @Override
    public PacketType type() {
        return PacketType.PINGREQ;
    }
}
