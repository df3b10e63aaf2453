package io.starling.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
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

/**
 * Encodes packets for one protocol version. The size is computed first so that a buffer of exactly the right
 * size is allocated once, and so the caller can check a packet against the peer's maximum packet size.
 */
public final class PacketEncoder {

    private PacketEncoder() {
    }

    /** Bytes the packet takes on the wire, fixed header included. */
    public static int encodedSize(MqttPacket packet, MqttVersion version) {
        int body = bodySize(packet, version);
        return 1 + Wire.varIntSize(body) + body;
    }

    /** The packet in one exactly-sized buffer from {@code alloc}, released again if encoding fails. */
    public static ByteBuf encode(MqttPacket packet, MqttVersion version, ByteBufAllocator alloc) {
        ByteBuf buf = alloc.ioBuffer(encodedSize(packet, version));
        try {
            encode(packet, version, buf);
            return buf;
        } catch (RuntimeException e) {
            buf.release();
            throw e;
        }
    }

    public static void encode(MqttPacket packet, MqttVersion version, ByteBuf out) {
        int body = bodySize(packet, version);
        out.writeByte(firstByte(packet));
        Wire.writeVarInt(out, body);
        writeBody(packet, version, out);
    }

    private static int firstByte(MqttPacket packet) {
        int type = packet.type().value() << 4;
        if (packet instanceof PublishPacket p) {
            return type | (p.dup() ? 0x08 : 0) | (p.qos() << 1) | (p.retain() ? 0x01 : 0);
        }
        return type | packet.type().requiredFlags();
    }

    private static int bodySize(MqttPacket packet, MqttVersion v) {
        boolean v5 = v.isV5();
        if (packet instanceof PublishPacket p) {
            return Wire.stringSize(p.topic()) + (p.qos() > 0 ? 2 : 0)
                    + (v5 ? PropertiesEncoder.sectionSize(p.properties()) : 0) + p.payload().length;
        } else if (packet instanceof AckPacket a) {
            if (!v5 || (a.reasonCode() == ReasonCode.SUCCESS && a.properties() == MqttProperties.NONE)) {
                return 2;
            }
            return a.properties() == MqttProperties.NONE ? 3 : 3 + PropertiesEncoder.sectionSize(a.properties());
        } else if (packet instanceof ConnAckPacket c) {
            return 2 + (v5 ? PropertiesEncoder.sectionSize(c.properties()) : 0);
        } else if (packet instanceof SubAckPacket s) {
            return 2 + (v5 ? PropertiesEncoder.sectionSize(s.properties()) : 0) + s.reasonCodes().size();
        } else if (packet instanceof UnsubAckPacket u) {
            return v5 ? 2 + PropertiesEncoder.sectionSize(u.properties()) + u.reasonCodes().size() : 2;
        } else if (packet instanceof DisconnectPacket d) {
            if (!v5) {
                return 0;
            }
            return 1 + PropertiesEncoder.sectionSize(d.properties());
        } else if (packet instanceof AuthPacket a) {
            return 1 + PropertiesEncoder.sectionSize(a.properties());
        } else if (packet instanceof PingReqPacket || packet instanceof PingRespPacket) {
            return 0;
        } else if (packet instanceof SubscribePacket s) {
            int n = 2 + (v5 ? PropertiesEncoder.sectionSize(s.properties()) : 0);
            for (TopicSubscription t : s.subscriptions()) {
                n += Wire.stringSize(t.topicFilter()) + 1;
            }
            return n;
        } else if (packet instanceof UnsubscribePacket u) {
            int n = 2 + (v5 ? PropertiesEncoder.sectionSize(u.properties()) : 0);
            for (String f : u.topicFilters()) {
                n += Wire.stringSize(f);
            }
            return n;
        } else if (packet instanceof ConnectPacket c) {
            return connectSize(c);
        }
        throw new IllegalArgumentException("cannot encode " + packet);
    }

    private static int connectSize(ConnectPacket c) {
        boolean v5 = c.version().isV5();
        int n = Wire.stringSize(c.version().protocolName()) + 1 + 1 + 2;
        n += v5 ? PropertiesEncoder.sectionSize(c.properties()) : 0;
        n += Wire.stringSize(c.clientId());
        Will w = c.will();
        if (w != null) {
            n += (v5 ? PropertiesEncoder.sectionSize(w.properties()) : 0) + Wire.stringSize(w.topic()) + 2
                    + w.payload().length;
        }
        n += c.username() != null ? Wire.stringSize(c.username()) : 0;
        n += c.password() != null ? 2 + c.password().length : 0;
        return n;
    }

    private static void writeBody(MqttPacket packet, MqttVersion v, ByteBuf out) {
        boolean v5 = v.isV5();
        if (packet instanceof PublishPacket p) {
            Wire.writeString(out, p.topic());
            if (p.qos() > 0) {
                out.writeShort(p.packetId());
            }
            if (v5) {
                PropertiesEncoder.write(p.properties(), out);
            }
            out.writeBytes(p.payload());
        } else if (packet instanceof AckPacket a) {
            out.writeShort(a.packetId());
            if (v5 && (a.reasonCode() != ReasonCode.SUCCESS || a.properties() != MqttProperties.NONE)) {
                out.writeByte(a.reasonCode());
                if (a.properties() != MqttProperties.NONE) {
                    PropertiesEncoder.write(a.properties(), out);
                }
            }
        } else if (packet instanceof ConnAckPacket c) {
            // MQTT 3.1 has no Session Present flag: the byte is reserved there and must be 0.
            out.writeByte(c.sessionPresent() && v != MqttVersion.MQTT_3_1 ? 1 : 0);
            out.writeByte(v5 ? c.reasonCode() : ReasonCode.toV3ConnAck(c.reasonCode()));
            if (v5) {
                PropertiesEncoder.write(c.properties(), out);
            }
        } else if (packet instanceof SubAckPacket s) {
            out.writeShort(s.packetId());
            if (v5) {
                PropertiesEncoder.write(s.properties(), out);
            }
            for (int code : s.reasonCodes()) {
                out.writeByte(v5 || code <= 2 ? code : 0x80);
            }
        } else if (packet instanceof UnsubAckPacket u) {
            out.writeShort(u.packetId());
            if (v5) {
                PropertiesEncoder.write(u.properties(), out);
                for (int code : u.reasonCodes()) {
                    out.writeByte(code);
                }
            }
        } else if (packet instanceof DisconnectPacket d) {
            if (v5) {
                out.writeByte(d.reasonCode());
                PropertiesEncoder.write(d.properties(), out);
            }
        } else if (packet instanceof AuthPacket a) {
            out.writeByte(a.reasonCode());
            PropertiesEncoder.write(a.properties(), out);
        } else if (packet instanceof SubscribePacket s) {
            out.writeShort(s.packetId());
            if (v5) {
                PropertiesEncoder.write(s.properties(), out);
            }
            for (TopicSubscription t : s.subscriptions()) {
                Wire.writeString(out, t.topicFilter());
                out.writeByte(t.qos() | (t.noLocal() ? 0x04 : 0) | (t.retainAsPublished() ? 0x08 : 0)
                        | (t.retainHandling() << 4));
            }
        } else if (packet instanceof UnsubscribePacket u) {
            out.writeShort(u.packetId());
            if (v5) {
                PropertiesEncoder.write(u.properties(), out);
            }
            for (String f : u.topicFilters()) {
                Wire.writeString(out, f);
            }
        } else if (packet instanceof ConnectPacket c) {
            writeConnect(c, out);
        } else if (packet instanceof InvalidPacket) {
            throw new IllegalArgumentException("cannot encode " + packet);
        }
    }

    private static void writeConnect(ConnectPacket c, ByteBuf out) {
        boolean v5 = c.version().isV5();
        Wire.writeString(out, c.version().protocolName());
        out.writeByte(c.version().level() | (c.bridge() ? PacketBodyDecoder.BRIDGE_BIT : 0));
        Will w = c.will();
        int flags = (c.cleanStart() ? 0x02 : 0)
                | (w != null ? 0x04 | (w.qos() << 3) | (w.retain() ? 0x20 : 0) : 0)
                | (c.password() != null ? 0x40 : 0)
                | (c.username() != null ? 0x80 : 0);
        out.writeByte(flags);
        out.writeShort(c.keepAliveSeconds());
        if (v5) {
            PropertiesEncoder.write(c.properties(), out);
        }
        Wire.writeString(out, c.clientId());
        if (w != null) {
            if (v5) {
                PropertiesEncoder.write(w.properties(), out);
            }
            Wire.writeString(out, w.topic());
            out.writeShort(w.payload().length);
            out.writeBytes(w.payload());
        }
        if (c.username() != null) {
            Wire.writeString(out, c.username());
        }
        if (c.password() != null) {
            out.writeShort(c.password().length);
            out.writeBytes(c.password());
        }
    }
}
