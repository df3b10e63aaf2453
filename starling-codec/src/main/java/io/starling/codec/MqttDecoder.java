package io.starling.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.starling.codec.packet.ConnectPacket;
import io.starling.codec.packet.InvalidPacket;
import io.starling.codec.packet.MqttPacket;
import io.starling.codec.packet.PublishPacket;
import java.util.List;

/**
 * Frames and decodes MQTT packets. A packet whose fixed header announces more than the maximum packet size is
 * refused before its body is buffered. The first problem produces an {@link InvalidPacket} and every byte after
 * it is discarded, so the handler downstream sees valid packets in order, then at most one InvalidPacket.
 */
public final class MqttDecoder extends ByteToMessageDecoder {

    /** Which side's packets this decoder accepts. */
    public enum Role { SERVER, CLIENT }

    /** Told of every packet decoded, with its size on the wire: for the node's counters. */
    @FunctionalInterface
    public interface PacketCounter {
        PacketCounter NONE = (type, bytes) -> { };

        void decoded(PacketType type, int bytes);
    }

    private final Role role;
    private final PacketCounter counter;
    private int maxPacketSize;
    private MqttVersion version;
    private boolean failed;
    /** The topic name of this connection's last PUBLISH: a client publishing to it again gets the same String. */
    private String recentTopic;

    /** A decoder for a server: learns the version from CONNECT. */
    public static MqttDecoder forServer(int maxPacketSize) {
        return forServer(maxPacketSize, PacketCounter.NONE);
    }

    /** A decoder for a server that tells {@code counter} of each packet. */
    public static MqttDecoder forServer(int maxPacketSize, PacketCounter counter) {
        return new MqttDecoder(Role.SERVER, maxPacketSize, null, counter);
    }

    /** A decoder for a client that speaks {@code version}. */
    public static MqttDecoder forClient(int maxPacketSize, MqttVersion version) {
        return new MqttDecoder(Role.CLIENT, maxPacketSize, version, PacketCounter.NONE);
    }

    private MqttDecoder(Role role, int maxPacketSize, MqttVersion version, PacketCounter counter) {
        this.role = role;
        this.counter = counter;
        this.maxPacketSize = maxPacketSize;
        this.version = version;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        int start = in.readerIndex();
        int readable = in.readableBytes();
        if (readable < 2) {
            return;
        }
        int first = in.getUnsignedByte(start);
        PacketType type = PacketType.of(first >> 4);
        int flags = first & 0x0F;
        MqttPacket headerProblem = checkHeader(type, flags);
        if (headerProblem != null) {
            fail(in, out, headerProblem);
            return;
        }
        int remaining = 0;
        int lengthBytes = 0;
        int b;
        do {
            if (lengthBytes == 4) {
                fail(in, out, new InvalidPacket(type, ReasonCode.MALFORMED_PACKET, "remaining length over 4 bytes"));
                return;
            }
            if (readable < 2 + lengthBytes) {
                return;
            }
            b = in.getUnsignedByte(start + 1 + lengthBytes);
            remaining |= (b & 0x7F) << (7 * lengthBytes);
            lengthBytes++;
        } while ((b & 0x80) != 0);
        long total = 1L + lengthBytes + remaining;
        if (total > maxPacketSize) {
            fail(in, out, new InvalidPacket(type, ReasonCode.PACKET_TOO_LARGE,
                    type + " of " + total + " bytes exceeds the maximum packet size " + maxPacketSize));
            return;
        }
        if (readable < total) {
            return;
        }
        in.skipBytes(1 + lengthBytes);
        counter.decoded(type, (int) total);
        // The body decoders read to the end of the buffer: bounding it to this packet for the call costs no slice.
        int writerIndex = in.writerIndex();
        in.writerIndex(in.readerIndex() + remaining);
        MqttPacket packet;
        try {
            packet = PacketBodyDecoder.decode(type, flags, in, version == null ? MqttVersion.MQTT_3_1_1 : version,
                    recentTopic);
        } catch (MqttDecodeException e) {
            packet = new InvalidPacket(type, e.reasonCode(), e.getMessage());
        } finally {
            in.writerIndex(writerIndex);
        }
        if (packet instanceof InvalidPacket) {
            fail(in, out, packet);
            return;
        }
        if (role == Role.SERVER && packet instanceof PublishPacket publish
                && !publish.properties().subscriptionIdentifiers().isEmpty()) {
            fail(in, out, new InvalidPacket(type, ReasonCode.PROTOCOL_ERROR,
                    "a client may not send a subscription identifier in PUBLISH"));
            return;
        }
        if (packet instanceof ConnectPacket connect) {
            version = connect.version();
        } else if (packet instanceof PublishPacket publish && !publish.topic().isEmpty()) {
            recentTopic = publish.topic();
        }
        out.add(packet);
    }

    /**
     * Decodes the body of one packet whose fixed header the caller framed itself (a load generator that reads
     * PUBLISH in place and only hands the rare packets here). Throws {@link MqttDecodeException} when malformed.
     */
    public static MqttPacket decodeBody(PacketType type, int flags, ByteBuf body, MqttVersion version) {
        return PacketBodyDecoder.decode(type, flags, body, version, null);
    }

    private MqttPacket checkHeader(PacketType type, int flags) {
        if (type == null) {
            return new InvalidPacket(null, ReasonCode.MALFORMED_PACKET, "reserved packet type 0");
        }
        if (type != PacketType.PUBLISH && flags != type.requiredFlags() && !dupIn31(type, flags)) {
            return new InvalidPacket(type, ReasonCode.MALFORMED_PACKET, "reserved flags of " + type + " are wrong");
        }
        if (role == Role.SERVER) {
            if (type.sentByServerOnly()) {
                return new InvalidPacket(type, ReasonCode.PROTOCOL_ERROR, "a client may not send " + type);
            }
            if (version == null && type != PacketType.CONNECT) {
                return new InvalidPacket(type, ReasonCode.PROTOCOL_ERROR, "first packet must be CONNECT, was " + type);
            }
        } else if (type.sentByClientOnly()) {
            return new InvalidPacket(type, ReasonCode.PROTOCOL_ERROR, "a server may not send " + type);
        }
        return null;
    }

    /**
     * MQTT 3.1 sets DUP on a PUBREL, SUBSCRIBE or UNSUBSCRIBE it sends again (QoS 1 in their fixed header);
     * 3.1.1 fixed these flags ([MQTT-3.6.1-1], [MQTT-3.8.1-1], [MQTT-3.10.1-1]), 3.1 did not.
     */
    private boolean dupIn31(PacketType type, int flags) {
        return version == MqttVersion.MQTT_3_1 && type.requiredFlags() == 0x02 && flags == 0x0A;
    }

    private void fail(ByteBuf in, List<Object> out, MqttPacket problem) {
        failed = true;
        in.skipBytes(in.readableBytes());
        out.add(problem);
    }

    /** The version learned from CONNECT, or null before it arrived. */
    public MqttVersion version() {
        return version;
    }

    public void maxPacketSize(int bytes) {
        this.maxPacketSize = bytes;
    }
}
