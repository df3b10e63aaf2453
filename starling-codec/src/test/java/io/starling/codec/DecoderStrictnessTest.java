package io.starling.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.starling.codec.packet.ConnectPacket;
import io.starling.codec.packet.InvalidPacket;
import io.starling.codec.packet.MqttPacket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the server-side decoder refuses, and that it stops after the first refusal. */
class DecoderStrictnessTest {

    private static final String CONNECT_V5 = "10 0d 00 04 4d 51 54 54 05 02 00 3c 00 00 00";
    private static final String CONNECT_V4 = "10 0c 00 04 4d 51 54 54 04 02 00 3c 00 00";
    private static final String CONNECT_V3 = "10 0e 00 06 4d 51 49 73 64 70 03 02 00 3c 00 00";

    private static byte[] hex(String s) {
        String digits = s.replace(" ", "");
        byte[] b = new byte[digits.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(digits.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }

    /** Feeds a CONNECT of the version, then the bytes; returns what came out after the CONNECT. */
    private static MqttPacket afterConnect(String connect, String bytes, int maxPacketSize) {
        EmbeddedChannel ch = new EmbeddedChannel(MqttDecoder.forServer(maxPacketSize));
        try {
            ch.writeInbound(Unpooled.wrappedBuffer(hex(connect)));
            assertThat((Object) ch.readInbound()).isInstanceOf(ConnectPacket.class);
            ch.writeInbound(Unpooled.wrappedBuffer(hex(bytes)));
            MqttPacket out = ch.readInbound();
            // Everything after a refusal is discarded: a valid PINGREQ now yields nothing.
            ch.writeInbound(Unpooled.wrappedBuffer(hex("c0 00")));
            assertThat((Object) ch.readInbound()).isNull();
            return out;
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "reserved type 0                   | 00 00                               | 129",
        "SUBSCRIBE flags 0                 | 80 06 00 01 00 01 61 00             | 129",
        "PUBREL flags 0                    | 60 02 00 01                         | 129",
        "QoS 3                             | 36 04 00 01 61 00                   | 129",
        "QoS 0 with DUP                    | 38 04 00 01 61 00                   | 129",
        "5-byte remaining length           | 30 ff ff ff ff 01                   | 129",
        "U+0000                            | 30 06 00 03 61 00 62 00             | 129",
        "encoded surrogate                 | 30 06 00 03 ed a0 80 00             | 129",
        "overlong NUL                      | 30 05 00 02 c0 80 00                | 129",
        "string longer than packet         | 30 04 00 09 61 00                   | 129",
        "wildcard in topic name            | 30 06 00 03 61 2f 2b 00             | 144",
        "filter a/#/b                      | 82 0b 00 01 00 00 05 61 2f 23 2f 62 00 | 143",
        "filter a+                         | 82 08 00 01 00 00 02 61 2b 00       | 143",
        "filter $share/g                   | 82 0e 00 01 00 00 08 24 73 68 61 72 65 2f 67 00 | 143",
        "packet id 0                       | 32 06 00 01 61 00 00 00             | 130",
        "SUBSCRIBE without filters         | 82 03 00 01 00                      | 130",
        "reserved subscription options     | 82 07 00 01 00 00 01 61 c0          | 129",
        "retain handling 3                 | 82 07 00 01 00 00 01 61 30          | 129",
        "no local on a shared subscription | 82 0e 00 01 00 00 08 24 71 75 65 75 65 2f 61 04 | 130",
        "duplicate property                | 30 0a 00 01 61 06 01 01 01 01 78 78 | 130",
        "property not allowed              | 30 07 00 01 61 03 13 00 3c          | 130",
        "subscription id from client       | 30 06 00 01 61 02 0b 01             | 130",
        "unknown property                  | 30 06 00 01 61 02 7f 00             | 129",
        "payload format 2                  | 30 06 00 01 61 02 01 02             | 130",
        "topic alias 0                     | 30 07 00 01 61 03 23 00 00          | 130",
        "client sends CONNACK              | 20 03 00 00 00                      | 130",
        "trailing bytes                    | c0 01 00                            | 129",
        "empty topic without alias         | 30 03 00 00 00                      | 144"})
    void refusedWithReason(String what, String bytes, int reason) {
        MqttPacket out = afterConnect(CONNECT_V5, bytes, 1 << 20);
        assertThat(out).as(what).isInstanceOfSatisfying(InvalidPacket.class,
                p -> assertThat(p.reasonCode()).as(what + ": " + p.message()).isEqualTo(reason));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "PUBREL      | 6a 02 00 01",
        "SUBSCRIBE   | 8a 06 00 01 00 01 61 00",
        "UNSUBSCRIBE | aa 05 00 01 00 01 61"})
    void mqtt31AcceptsDupOnARepeatedPacketThat311Refuses(String type, String bytes) {
        EmbeddedChannel ch = new EmbeddedChannel(MqttDecoder.forServer(1024));
        try {
            ch.writeInbound(Unpooled.wrappedBuffer(hex(CONNECT_V3)));
            assertThat((Object) ch.readInbound()).isInstanceOf(ConnectPacket.class);
            ch.writeInbound(Unpooled.wrappedBuffer(hex(bytes)));
            assertThat((Object) ch.readInbound()).as(type).isNotNull().isNotInstanceOf(InvalidPacket.class);
        } finally {
            ch.finishAndReleaseAll();
        }
        assertThat(afterConnect(CONNECT_V4, bytes, 1 << 20)).as(type).isInstanceOfSatisfying(InvalidPacket.class,
                p -> assertThat(p.reasonCode()).isEqualTo(ReasonCode.MALFORMED_PACKET));
    }

    @Test
    void mqtt311AuthIsMalformed() {
        assertThat(afterConnect(CONNECT_V4, "f0 00", 1 << 20)).isInstanceOfSatisfying(InvalidPacket.class,
                p -> assertThat(p.reasonCode()).isEqualTo(ReasonCode.MALFORMED_PACKET));
    }

    @Test
    void oversizedPacketIsRefusedFromItsHeaderAlone() {
        // Only the fixed header of a 200 MB PUBLISH arrives: the refusal must not wait for the body.
        MqttPacket out = afterConnect(CONNECT_V5, "30 80 80 80 64", 1024);
        assertThat(out).isInstanceOfSatisfying(InvalidPacket.class,
                p -> assertThat(p.reasonCode()).isEqualTo(ReasonCode.PACKET_TOO_LARGE));
    }

    @Test
    void firstPacketMustBeConnect() {
        EmbeddedChannel ch = new EmbeddedChannel(MqttDecoder.forServer(1024));
        ch.writeInbound(Unpooled.wrappedBuffer(hex("c0 00")));
        MqttPacket out = ch.readInbound();
        ch.finishAndReleaseAll();
        assertThat(out).isInstanceOfSatisfying(InvalidPacket.class,
                p -> assertThat(p.reasonCode()).isEqualTo(ReasonCode.PROTOCOL_ERROR));
    }

    /** Mosquitto's and RSMB's try_private: the level with 0x80 set is that version, from a bridge. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "MQTT 3.1 bridge   | 10 0e 00 06 4d 51 49 73 64 70 83 02 00 3c 00 00 | MQTT_3_1   | true",
        "MQTT 3.1.1 bridge | 10 0c 00 04 4d 51 54 54 84 02 00 3c 00 00       | MQTT_3_1_1 | true",
        "MQTT 5 bridge     | 10 0d 00 04 4d 51 54 54 85 02 00 3c 00 00 00    | MQTT_5     | true",
        "MQTT 3.1.1 client | 10 0c 00 04 4d 51 54 54 04 02 00 3c 00 00       | MQTT_3_1_1 | false"})
    void theBridgeBitIsReadApartFromTheLevel(String what, String bytes, MqttVersion version, boolean bridge) {
        EmbeddedChannel ch = new EmbeddedChannel(MqttDecoder.forServer(1024));
        ch.writeInbound(Unpooled.wrappedBuffer(hex(bytes)));
        MqttPacket out = ch.readInbound();
        ch.finishAndReleaseAll();
        assertThat(out).as(what).isInstanceOfSatisfying(ConnectPacket.class, c -> {
            assertThat(c.version()).isEqualTo(version);
            assertThat(c.bridge()).isEqualTo(bridge);
        });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "reserved connect flag      | 10 0d 00 04 4d 51 54 54 05 03 00 3c 00 00 00 | 129",
        "will QoS 3                 | 10 0d 00 04 4d 51 54 54 04 1e 00 3c 00 00 00 | 129",
        "will retain without will   | 10 0c 00 04 4d 51 54 54 04 22 00 3c 00 00    | 129",
        "password without user 3.1.1| 10 0c 00 04 4d 51 54 54 04 42 00 3c 00 00    | 129",
        "protocol level 6           | 10 0c 00 04 4d 51 54 54 06 02 00 3c 00 00    | 132",
        "level 6 with the bridge bit| 10 0c 00 04 4d 51 54 54 86 02 00 3c 00 00    | 132",
        "MQIsdp 4 with the bridge bit| 10 0e 00 06 4d 51 49 73 64 70 84 02 00 3c 00 00 | 132",
        "unknown protocol name      | 10 0c 00 04 4d 51 54 58 04 02 00 3c 00 00    | 130"})
    void badConnectIsRefused(String what, String bytes, int reason) {
        EmbeddedChannel ch = new EmbeddedChannel(MqttDecoder.forServer(1024));
        ch.writeInbound(Unpooled.wrappedBuffer(hex(bytes)));
        MqttPacket out = ch.readInbound();
        ch.finishAndReleaseAll();
        assertThat(out).as(what).isInstanceOfSatisfying(InvalidPacket.class,
                p -> assertThat(p.reasonCode()).as(what + ": " + p.message()).isEqualTo(reason));
    }
}
