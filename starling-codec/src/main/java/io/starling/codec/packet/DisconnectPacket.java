package io.starling.codec.packet;

import io.starling.codec.MqttProperties;
import io.starling.codec.PacketType;
import io.starling.codec.ReasonCode;

/** DISCONNECT, from either side; MQTT 3 sends it without reason code or properties. */
public record DisconnectPacket(int reasonCode, MqttProperties properties) implements MqttPacket {
    public static final DisconnectPacket NORMAL = new DisconnectPacket(ReasonCode.NORMAL_DISCONNECTION,
            MqttProperties.NONE);

    @Override
    public PacketType type() {
        return PacketType.DISCONNECT;
    }
}
