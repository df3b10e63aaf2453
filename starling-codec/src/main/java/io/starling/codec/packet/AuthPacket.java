package io.starling.codec.packet;

import io.starling.codec.MqttProperties;
import io.starling.codec.PacketType;

/** AUTH (MQTT 5 only). */
public record AuthPacket(int reasonCode, MqttProperties properties) implements MqttPacket {

    @Override
    public PacketType type() {
        return PacketType.AUTH;
    }
}
