package io.starling.codec.packet;

import io.starling.codec.PacketType;

/** An MQTT control packet, decoded or about to be encoded. Every implementation is an immutable record. */
public sealed interface MqttPacket permits ConnectPacket, ConnAckPacket, PublishPacket, AckPacket, SubscribePacket,
        SubAckPacket, UnsubscribePacket, UnsubAckPacket, PingReqPacket, PingRespPacket, DisconnectPacket, AuthPacket,
        InvalidPacket {

    PacketType type();
}
