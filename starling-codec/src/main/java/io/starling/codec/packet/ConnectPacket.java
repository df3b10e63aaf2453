package io.starling.codec.packet;

import io.starling.codec.MqttProperties;
import io.starling.codec.MqttVersion;
import io.starling.codec.PacketType;

/**
 * CONNECT. {@code username} and {@code password} are null when their flags are clear; {@code will} is null when
 * the client set no will.
 *
 * @param bridge the protocol level had its high bit (0x80) set: the bridge bit of Mosquitto's and RSMB's
 *               {@code try_private}, by which another broker's bridge says it is one (the level is then 0x83 for
 *               MQTT 3.1, 0x84 for 3.1.1); {@link #version} is the level without the bit
 */
public record ConnectPacket(MqttVersion version, String clientId, boolean cleanStart, int keepAliveSeconds,
        String username, byte[] password, Will will, MqttProperties properties, boolean bridge) implements MqttPacket {

    /** A CONNECT without the bridge bit. */
    public ConnectPacket(MqttVersion version, String clientId, boolean cleanStart, int keepAliveSeconds,
            String username, byte[] password, Will will, MqttProperties properties) {
        this(version, clientId, cleanStart, keepAliveSeconds, username, password, will, properties, false);
    }

    @Override
    public PacketType type() {
        return PacketType.CONNECT;
    }
}
