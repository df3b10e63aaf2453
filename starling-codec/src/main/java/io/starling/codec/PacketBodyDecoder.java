package io.starling.codec;

import static io.starling.codec.MqttDecodeException.malformed;
import static io.starling.codec.MqttDecodeException.protocolError;

import io.netty.buffer.ByteBuf;
import io.starling.codec.PropertyId.Carrier;
import io.starling.codec.packet.AckPacket;
import io.starling.codec.packet.AuthPacket;
import io.starling.codec.packet.ConnAckPacket;
import io.starling.codec.packet.ConnectPacket;
import io.starling.codec.packet.DisconnectPacket;
import io.starling.codec.packet.InvalidPacket;
import io.starling.codec.packet.MqttPacket;
import io.starling.codec.packet.PingReqPacket;
import io.starling.codec.packet.PingRespPacket;
import io.starling.codec.packet.PublishPacket;
import io.starling.codec.packet.SubAckPacket;
import io.starling.codec.packet.SubscribePacket;
import io.starling.codec.packet.TopicSubscription;
import io.starling.codec.packet.UnsubAckPacket;
import io.starling.codec.packet.UnsubscribePacket;
import io.starling.codec.packet.Will;
import java.util.ArrayList;
import java.util.List;

/** Decodes the body of one packet whose fixed header has been read. Stateless apart from the version. */
final class PacketBodyDecoder {
    /** Set in CONNECT's protocol level by another broker's bridge; see {@link ConnectPacket#bridge()}. */
    static final int BRIDGE_BIT = 0x80;

    private PacketBodyDecoder() {
    }

    /**
     * Decodes the body: every readable byte of {@code body}. {@code recentTopic}, when not null, is a topic name
     * this connection published to before; a PUBLISH to the same topic returns it rather than a new String.
     */
    static MqttPacket decode(PacketType type, int flags, ByteBuf body, MqttVersion version, String recentTopic) {
        MqttPacket packet = switch (type) {
            case CONNECT -> connect(body);
            case CONNACK -> connAck(body, version);
            case PUBLISH -> publish(flags, body, version, recentTopic);
            case PUBACK, PUBREC, PUBREL, PUBCOMP -> ack(type, body, version);
            case SUBSCRIBE -> subscribe(body, version);
            case SUBACK -> subAck(body, version);
            case UNSUBSCRIBE -> unsubscribe(body, version);
            case UNSUBACK -> unsubAck(body, version);
            case PINGREQ -> empty(body, PingReqPacket.INSTANCE);
            case PINGRESP -> empty(body, PingRespPacket.INSTANCE);
            case DISCONNECT -> disconnect(body, version);
            case AUTH -> auth(body, version);
        };
        if (body.isReadable() && !(packet instanceof InvalidPacket)) {
            throw malformed(type + " has " + body.readableBytes() + " bytes more than its fields");
        }
        return packet;
    }

    private static MqttPacket connect(ByteBuf in) {
        String protocolName = WireReader.readString(in, "protocol name");
        int level = WireReader.readByte(in, "protocol level");
        // The high bit is the bridge bit (Mosquitto's and RSMB's try_private): the version is in the other seven.
        boolean bridge = (level & BRIDGE_BIT) != 0;
        MqttVersion version = MqttVersion.of(protocolName, level & ~BRIDGE_BIT);
        if (version == null) {
            if (!protocolName.equals("MQTT") && !protocolName.equals("MQIsdp")) {
                throw protocolError("unknown protocol name '" + protocolName + "'");
            }
            in.skipBytes(in.readableBytes());
            return new InvalidPacket(PacketType.CONNECT, ReasonCode.UNSUPPORTED_PROTOCOL_VERSION,
                    "unsupported protocol level " + level);
        }
        int flags = WireReader.readByte(in, "connect flags");
        if ((flags & 0x01) != 0) {
            throw malformed("reserved connect flag is set");
        }
        boolean cleanStart = (flags & 0x02) != 0;
        boolean hasWill = (flags & 0x04) != 0;
        int willQos = (flags >> 3) & 0x03;
        boolean willRetain = (flags & 0x20) != 0;
        boolean hasPassword = (flags & 0x40) != 0;
        boolean hasUsername = (flags & 0x80) != 0;
        if (willQos == 3) {
            throw malformed("will QoS 3");
        }
        if (!hasWill && (willQos != 0 || willRetain)) {
            throw malformed("will QoS or retain set without a will");
        }
        if (hasPassword && !hasUsername && !version.isV5()) {
            throw malformed("password flag set without user name flag");
        }
        int keepAlive = WireReader.readShort(in, "keep alive");
        MqttProperties properties = version.isV5() ? PropertiesDecoder.decode(in, Carrier.CONNECT) : MqttProperties.NONE;
        if (properties.authenticationData() != null && properties.authenticationMethod() == null) {
            throw protocolError("authentication data without authentication method");
        }
        String clientId = WireReader.readString(in, "client identifier");
        Will will = null;
        if (hasWill) {
            MqttProperties willProperties = version.isV5() ? PropertiesDecoder.decode(in, Carrier.WILL)
                    : MqttProperties.NONE;
            String willTopic = WireReader.readString(in, "will topic");
            if (!Topics.isValidTopicName(willTopic)) {
                throw new MqttDecodeException(ReasonCode.TOPIC_NAME_INVALID, "will topic is not a valid topic name");
            }
            byte[] willPayload = WireReader.readBinary(in, "will payload");
            will = new Will(willTopic, willPayload, willQos, willRetain, willProperties);
        }
        String username = hasUsername ? WireReader.readString(in, "user name") : null;
        byte[] password = hasPassword ? WireReader.readBinary(in, "password") : null;
        return new ConnectPacket(version, clientId, cleanStart, keepAlive, username, password, will, properties,
                bridge);
    }

    private static MqttPacket connAck(ByteBuf in, MqttVersion version) {
        int flags = WireReader.readByte(in, "connack flags");
        if ((flags & 0xFE) != 0) {
            throw malformed("reserved connack flags are set");
        }
        int code = WireReader.readByte(in, "connack reason code");
        MqttProperties properties = version.isV5() && in.isReadable()
                ? PropertiesDecoder.decode(in, Carrier.CONNACK) : MqttProperties.NONE;
        return new ConnAckPacket((flags & 0x01) != 0, code, properties);
    }

    private static MqttPacket publish(int flags, ByteBuf in, MqttVersion version, String recentTopic) {
        boolean dup = (flags & 0x08) != 0;
        int qos = (flags >> 1) & 0x03;
        boolean retain = (flags & 0x01) != 0;
        if (qos == 3) {
            throw malformed("PUBLISH with QoS 3");
        }
        if (qos == 0 && dup) {
            throw malformed("PUBLISH with QoS 0 and DUP set");
        }
        String topic = WireReader.readString(in, "topic name", recentTopic);
        if (Topics.hasWildcard(topic)) {
            throw new MqttDecodeException(ReasonCode.TOPIC_NAME_INVALID, "topic name contains a wildcard");
        }
        int packetId = qos > 0 ? packetId(in) : 0;
        MqttProperties properties = version.isV5() ? PropertiesDecoder.decode(in, Carrier.PUBLISH) : MqttProperties.NONE;
        if (topic.isEmpty() && properties.topicAlias() == null) {
            throw new MqttDecodeException(ReasonCode.TOPIC_NAME_INVALID, "empty topic name without a topic alias");
        }
        byte[] payload = new byte[in.readableBytes()];
        in.readBytes(payload);
        return new PublishPacket(packetId, topic, payload, qos, retain, dup, properties);
    }

    private static MqttPacket ack(PacketType type, ByteBuf in, MqttVersion version) {
        int packetId = packetId(in);
        int reason = ReasonCode.SUCCESS;
        MqttProperties properties = MqttProperties.NONE;
        if (version.isV5() && in.isReadable()) {
            reason = WireReader.readByte(in, type + " reason code");
            if (in.isReadable()) {
                properties = PropertiesDecoder.decode(in, Carrier.ACK);
            }
        }
        return new AckPacket(type, packetId, reason, properties);
    }

    private static MqttPacket subscribe(ByteBuf in, MqttVersion version) {
        int packetId = packetId(in);
        MqttProperties properties = version.isV5() ? PropertiesDecoder.decode(in, Carrier.SUBSCRIBE)
                : MqttProperties.NONE;
        List<TopicSubscription> subscriptions = new ArrayList<>(1);
        while (in.isReadable()) {
            String filter = topicFilter(in);
            int options = WireReader.readByte(in, "subscription options");
            int reservedMask = version.isV5() ? 0xC0 : 0xFC;
            if ((options & reservedMask) != 0) {
                throw malformed("reserved subscription option bits are set");
            }
            int qos = options & 0x03;
            int retainHandling = (options >> 4) & 0x03;
            if (qos == 3) {
                throw malformed("subscription with QoS 3");
            }
            if (retainHandling == 3) {
                throw malformed("retain handling 3");
            }
            boolean noLocal = (options & 0x04) != 0;
            if (noLocal && Topics.isShared(filter)) {
                throw protocolError("no local on a shared subscription");
            }
            subscriptions.add(new TopicSubscription(filter, qos, noLocal, (options & 0x08) != 0, retainHandling));
        }
        if (subscriptions.isEmpty()) {
            throw protocolError("SUBSCRIBE without topic filters");
        }
        return new SubscribePacket(packetId, subscriptions, properties);
    }

    private static MqttPacket subAck(ByteBuf in, MqttVersion version) {
        int packetId = packetId(in);
        MqttProperties properties = version.isV5() ? PropertiesDecoder.decode(in, Carrier.SUBACK) : MqttProperties.NONE;
        List<Integer> codes = new ArrayList<>(in.readableBytes());
        while (in.isReadable()) {
            codes.add((int) in.readUnsignedByte());
        }
        return new SubAckPacket(packetId, codes, properties);
    }

    private static MqttPacket unsubscribe(ByteBuf in, MqttVersion version) {
        int packetId = packetId(in);
        MqttProperties properties = version.isV5() ? PropertiesDecoder.decode(in, Carrier.UNSUBSCRIBE)
                : MqttProperties.NONE;
        List<String> filters = new ArrayList<>(1);
        while (in.isReadable()) {
            filters.add(topicFilter(in));
        }
        if (filters.isEmpty()) {
            throw protocolError("UNSUBSCRIBE without topic filters");
        }
        return new UnsubscribePacket(packetId, filters, properties);
    }

    private static MqttPacket unsubAck(ByteBuf in, MqttVersion version) {
        int packetId = packetId(in);
        if (!version.isV5()) {
            return new UnsubAckPacket(packetId, List.of(), MqttProperties.NONE);
        }
        MqttProperties properties = PropertiesDecoder.decode(in, Carrier.UNSUBACK);
        List<Integer> codes = new ArrayList<>(in.readableBytes());
        while (in.isReadable()) {
            codes.add((int) in.readUnsignedByte());
        }
        return new UnsubAckPacket(packetId, codes, properties);
    }

    private static MqttPacket disconnect(ByteBuf in, MqttVersion version) {
        if (!version.isV5() || !in.isReadable()) {
            return DisconnectPacket.NORMAL;
        }
        int reason = WireReader.readByte(in, "disconnect reason code");
        MqttProperties properties = in.isReadable() ? PropertiesDecoder.decode(in, Carrier.DISCONNECT)
                : MqttProperties.NONE;
        return new DisconnectPacket(reason, properties);
    }

    private static MqttPacket auth(ByteBuf in, MqttVersion version) {
        if (!version.isV5()) {
            throw malformed("AUTH is not an MQTT " + version + " packet");
        }
        if (!in.isReadable()) {
            return new AuthPacket(ReasonCode.SUCCESS, MqttProperties.NONE);
        }
        int reason = WireReader.readByte(in, "auth reason code");
        MqttProperties properties = in.isReadable() ? PropertiesDecoder.decode(in, Carrier.AUTH) : MqttProperties.NONE;
        return new AuthPacket(reason, properties);
    }

    private static <T extends MqttPacket> T empty(ByteBuf in, T packet) {
        if (in.isReadable()) {
            throw malformed(packet.type() + " must have no body");
        }
        return packet;
    }

    private static int packetId(ByteBuf in) {
        int id = WireReader.readShort(in, "packet identifier");
        if (id == 0) {
            throw protocolError("packet identifier 0");
        }
        return id;
    }

    private static String topicFilter(ByteBuf in) {
        String filter = WireReader.readString(in, "topic filter");
        if (!Topics.isValidTopicFilter(filter)) {
            throw new MqttDecodeException(ReasonCode.TOPIC_FILTER_INVALID, "invalid topic filter '" + filter + "'");
        }
        return filter;
    }
}
