package io.starling.codec.packet;

import io.starling.codec.PacketType;

/**
 * What the decoder emits instead of a packet it could not accept. It is always the last thing a decoder emits:
 * the connection must be closed, after telling the peer {@code reasonCode} where the protocol allows.
 *
 * @param type       the packet type from the fixed header, or null when even that was unusable
 * @param reasonCode the MQTT 5 reason code that says what was wrong (0x81 malformed, 0x82 protocol error, ...)
 */
public record InvalidPacket(PacketType type, int reasonCode, String message) implements MqttPacket {
}
