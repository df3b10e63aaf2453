package io.starling.codec.packet;

import io.starling.codec.MqttProperties;
import io.starling.codec.MqttVersion;
import io.starling.codec.PacketType;

/**
 * CONNECT. {@code username} and {@code password} are null when their flags are clear; {@code will} is null when
 * the client set no will.
 */
public record ConnectPacket(MqttVersion version, String clientId, boolean cleanStart, int keepAliveSeconds,
        String username, byte[] password, Will will, MqttProperties properties) implements MqttPacket {

    @Override
    public PacketType type() {
        return PacketType.CONNECT;
    }
}
