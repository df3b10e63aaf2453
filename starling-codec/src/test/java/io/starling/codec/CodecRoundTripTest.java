package io.starling.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.starling.codec.packet.AckPacket;
import io.starling.codec.packet.AuthPacket;
import io.starling.codec.packet.ConnAckPacket;
import io.starling.codec.packet.ConnectPacket;
import io.starling.codec.packet.DisconnectPacket;
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
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every packet type, encoded then decoded by the decoder of the side that receives it, whole and split into
 * single bytes, for MQTT 3.1.1 and 5 (and CONNECT for 3.1). Records holding arrays are compared field by field.
 */
class CodecRoundTripTest {

    private static final MqttProperties ALL_PUBLISH = MqttProperties.builder()
            .payloadFormatIndicator(1).messageExpiryInterval(3600L).contentType("text/plain")
            .responseTopic("reply/here").correlationData(new byte[] {1, 2, 3})
            .addUserProperty("a", "1").addUserProperty("a", "2").topicAlias(3).build();

    private static final MqttProperties WILL_PROPS = MqttProperties.builder()
            .willDelayInterval(30L).payloadFormatIndicator(0).messageExpiryInterval(10L).contentType("x")
            .responseTopic("r").correlationData(new byte[] {9}).addUserProperty("w", "v").build();

    private static final MqttProperties CONNECT_PROPS = MqttProperties.builder()
            .sessionExpiryInterval(120L).receiveMaximum(10).maximumPacketSize(2048L).topicAliasMaximum(5)
            .requestResponseInformation(1).requestProblemInformation(0).addUserProperty("k", "v")
            .authenticationMethod("SCRAM-SHA-256").authenticationData(new byte[] {7}).build();

    private static final MqttProperties CONNACK_PROPS = MqttProperties.builder()
            .sessionExpiryInterval(60L).receiveMaximum(32).maximumQos(1).retainAvailable(0)
            .maximumPacketSize(1_000_000L).assignedClientIdentifier("auto-1").topicAliasMaximum(10)
            .reasonString("ok").addUserProperty("u", "p").wildcardSubscriptionAvailable(0)
            .subscriptionIdentifierAvailable(1).sharedSubscriptionAvailable(1).serverKeepAlive(60)
            .responseInformation("resp/").serverReference("other:1883").authenticationMethod("m")
            .authenticationData(new byte[] {1}).build();

    static Stream<Arguments> clientPackets() {
        MqttVersion v5 = MqttVersion.MQTT_5;
        MqttVersion v4 = MqttVersion.MQTT_3_1_1;
        MqttVersion v3 = MqttVersion.MQTT_3_1;
        Will will5 = new Will("will/t", "bye".getBytes(StandardCharsets.UTF_8), 1, true, WILL_PROPS);
        Will will4 = new Will("will/t", new byte[0], 2, false, MqttProperties.NONE);
        return Stream.of(
                Arguments.of(v5, new ConnectPacket(v5, "c5", false, 30, "user", "pw".getBytes(), will5, CONNECT_PROPS)),
                Arguments.of(v5, new ConnectPacket(v5, "", true, 0, null, "pw-only".getBytes(), null, MqttProperties.NONE)),
                Arguments.of(v4, new ConnectPacket(v4, "c4", true, 65535, "u", null, will4, MqttProperties.NONE)),
                Arguments.of(v3, new ConnectPacket(v3, "c3", true, 10, null, null, null, MqttProperties.NONE)),
                Arguments.of(v4, new ConnectPacket(v4, "bridge4", false, 60, "b", "pw".getBytes(), will4,
                        MqttProperties.NONE, true)),
                Arguments.of(v3, new ConnectPacket(v3, "bridge3", true, 60, null, null, null, MqttProperties.NONE,
                        true)),
                Arguments.of(v5, new PublishPacket(7, "a/b", "hi".getBytes(), 1, true, true, ALL_PUBLISH)),
                Arguments.of(v5, new PublishPacket(0, "", new byte[0], 0, false, false,
                        MqttProperties.builder().topicAlias(1).build())),
                Arguments.of(v4, new PublishPacket(65535, "ünïcødé/✓", new byte[300], 2, false, false,
                        MqttProperties.NONE)),
                Arguments.of(v5, ack(PacketType.PUBACK, 1, 0x10, MqttProperties.builder().reasonString("none").build())),
                Arguments.of(v5, ack(PacketType.PUBREC, 2, 0x80, MqttProperties.NONE)),
                Arguments.of(v5, ack(PacketType.PUBREL, 3, 0, MqttProperties.NONE)),
                Arguments.of(v5, ack(PacketType.PUBCOMP, 4, 0x92, MqttProperties.builder().addUserProperty("x", "y").build())),
                Arguments.of(v4, ack(PacketType.PUBACK, 5, 0, MqttProperties.NONE)),
                Arguments.of(v4, ack(PacketType.PUBREL, 6, 0, MqttProperties.NONE)),
                Arguments.of(v5, new SubscribePacket(9, List.of(
                        new TopicSubscription("a/+/c", 2, true, true, 2),
                        new TopicSubscription("$share/g/x/#", 1, false, false, 1)),
                        MqttProperties.builder().addSubscriptionIdentifier(268_435_455).addUserProperty("s", "1").build())),
                Arguments.of(v4, new SubscribePacket(10, List.of(TopicSubscription.of("#", 0), TopicSubscription.of("+", 1)),
                        MqttProperties.NONE)),
                Arguments.of(v5, new UnsubscribePacket(11, List.of("a", "b/#"), MqttProperties.builder().addUserProperty("q", "r").build())),
                Arguments.of(v4, new UnsubscribePacket(12, List.of("a"), MqttProperties.NONE)),
                Arguments.of(v5, PingReqPacket.INSTANCE),
                Arguments.of(v4, PingReqPacket.INSTANCE),
                Arguments.of(v5, new DisconnectPacket(0x04, MqttProperties.builder().sessionExpiryInterval(5L)
                        .reasonString("bye").build())),
                Arguments.of(v4, DisconnectPacket.NORMAL),
                Arguments.of(v5, new AuthPacket(0x18, MqttProperties.builder().authenticationMethod("m")
                        .authenticationData(new byte[] {1, 2}).reasonString("more").build())));
    }

    static Stream<Arguments> serverPackets() {
        MqttVersion v5 = MqttVersion.MQTT_5;
        MqttVersion v4 = MqttVersion.MQTT_3_1_1;
        return Stream.of(
                Arguments.of(v5, new ConnAckPacket(true, 0, CONNACK_PROPS)),
                Arguments.of(v5, new ConnAckPacket(false, 0x9C, MqttProperties.builder().serverReference("s").build())),
                Arguments.of(v4, new ConnAckPacket(true, 0, MqttProperties.NONE)),
                Arguments.of(v5, new PublishPacket(1, "t", "p".getBytes(), 1, false, false,
                        MqttProperties.builder().addSubscriptionIdentifier(1).addSubscriptionIdentifier(300).build())),
                Arguments.of(v5, new SubAckPacket(1, List.of(0, 1, 2, 0x80, 0x87, 0x8F), MqttProperties.builder()
                        .reasonString("r").build())),
                Arguments.of(v4, new SubAckPacket(2, List.of(0, 1, 2, 0x80), MqttProperties.NONE)),
                Arguments.of(v5, new UnsubAckPacket(3, List.of(0, 0x11), MqttProperties.NONE)),
                Arguments.of(v4, new UnsubAckPacket(4, List.of(), MqttProperties.NONE)),
                Arguments.of(v5, PingRespPacket.INSTANCE),
                Arguments.of(v5, new DisconnectPacket(0x8E, MqttProperties.builder().serverReference("x")
                        .reasonString("taken").build())),
                Arguments.of(v5, new AuthPacket(0, MqttProperties.NONE)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("clientPackets")
    void clientPacketsSurviveTheServerDecoder(MqttVersion version, MqttPacket packet) {
        MqttPacket whole = decodeWithServer(version, encode(packet, version), false);
        assertSame(whole, packet);
        MqttPacket bytewise = decodeWithServer(version, encode(packet, version), true);
        assertSame(bytewise, packet);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("serverPackets")
    void serverPacketsSurviveTheClientDecoder(MqttVersion version, MqttPacket packet) {
        EmbeddedChannel ch = new EmbeddedChannel(MqttDecoder.forClient(Integer.MAX_VALUE, version));
        ch.writeInbound(encode(packet, version));
        MqttPacket decoded = ch.readInbound();
        ch.finishAndReleaseAll();
        assertSame(decoded, packet);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("clientPackets")
    void encodedSizeIsExact(MqttVersion version, MqttPacket packet) {
        ByteBuf buf = encode(packet, version);
        try {
            assertThat(buf.readableBytes()).isEqualTo(PacketEncoder.encodedSize(packet, version));
        } finally {
            buf.release();
        }
    }

    private static AckPacket ack(PacketType type, int id, int reason, MqttProperties props) {
        return new AckPacket(type, id, reason, props);
    }

    static ByteBuf encode(MqttPacket packet, MqttVersion version) {
        ByteBuf buf = Unpooled.buffer();
        PacketEncoder.encode(packet, version, buf);
        return buf;
    }

    /** Decodes with a server decoder that first saw a CONNECT of the version (unless the packet is one). */
    private static MqttPacket decodeWithServer(MqttVersion version, ByteBuf bytes, boolean oneByteAtATime) {
        EmbeddedChannel ch = new EmbeddedChannel(MqttDecoder.forServer(Integer.MAX_VALUE));
        try {
            if (bytes.getUnsignedByte(0) >> 4 != PacketType.CONNECT.value()) {
                ch.writeInbound(encode(new ConnectPacket(version, "x", true, 0, null, null, null,
                        MqttProperties.NONE), version));
                assertThat((Object) ch.readInbound()).isInstanceOf(ConnectPacket.class);
            }
            if (oneByteAtATime) {
                while (bytes.isReadable()) {
                    ch.writeInbound(bytes.readRetainedSlice(1));
                }
                bytes.release();
            } else {
                ch.writeInbound(bytes);
            }
            MqttPacket decoded = ch.readInbound();
            assertThat((Object) ch.readInbound()).isNull();
            return decoded;
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    /** Records compare arrays by identity: compare every component, arrays by content. */
    static void assertSame(MqttPacket actual, MqttPacket expected) {
        assertThat(actual).usingRecursiveComparison().isEqualTo(expected);
    }
}
