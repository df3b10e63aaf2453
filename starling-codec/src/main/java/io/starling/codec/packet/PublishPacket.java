package io.starling.codec.packet;

import io.starling.codec.MqttProperties;
import io.starling.codec.PacketType;

/**
 * PUBLISH. {@code packetId} is 0 for QoS 0. {@code topic} may be empty in MQTT 5 when a topic alias stands for
 * it. The payload array belongs to the packet: nobody modifies it after construction.
 */
public record PublishPacket(int packetId, String topic, byte[] payload, int qos, boolean retain, boolean dup,
        MqttProperties properties) implements MqttPacket {

    @Override
    public PacketType type() {
        return PacketType.PUBLISH;
    }

    public PublishPacket withDup(boolean newDup) {
        return newDup == dup ? this : new PublishPacket(packetId, topic, payload, qos, retain, newDup, properties);
    }
}
