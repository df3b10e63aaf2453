package io.starling.codec.packet;

import io.starling.codec.MqttProperties;
import io.starling.codec.PacketType;

/** CONNACK. {@code reasonCode} is an MQTT 5 reason code; the encoder maps it to a 3.1.1 return code. */
public record ConnAckPacket(boolean sessionPresent, int reasonCode, MqttProperties properties) implements MqttPacket {

    @Override
    public PacketType type() {
        return PacketType.CONNACK;
    }
}
