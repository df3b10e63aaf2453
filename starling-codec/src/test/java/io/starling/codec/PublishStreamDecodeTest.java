package io.starling.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.starling.codec.packet.ConnectPacket;
import io.starling.codec.packet.InvalidPacket;
import io.starling.codec.packet.PublishPacket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A stream of PUBLISH packets through one server decoder, as a busy publisher sends them. */
class PublishStreamDecodeTest {

    private final EmbeddedChannel channel = new EmbeddedChannel(MqttDecoder.forServer(1 << 20));

    @BeforeEach
    void connect() {
        channel.writeInbound(CodecRoundTripTest.encode(new ConnectPacket(MqttVersion.MQTT_3_1_1, "pub", true, 0,
                null, null, null, MqttProperties.NONE), MqttVersion.MQTT_3_1_1));
        assertThat((Object) channel.readInbound()).isInstanceOf(ConnectPacket.class);
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private static PublishPacket publish(String topic, String payload) {
        return new PublishPacket(0, topic, payload.getBytes(StandardCharsets.UTF_8), 0, false, false,
                MqttProperties.NONE);
    }

    private PublishPacket read() {
        return channel.readInbound();
    }

    @Test
    void packetsArrivingTogetherAreEachDecodedAndAPartialOneWaits() {
        ByteBuf bytes = Unpooled.buffer();
        for (String payload : new String[] {"one", "two", "three"}) {
            PacketEncoder.encode(publish("t/" + payload, payload), MqttVersion.MQTT_3_1_1, bytes);
        }
        ByteBuf fourth = CodecRoundTripTest.encode(publish("t/four", "four"), MqttVersion.MQTT_3_1_1);
        bytes.writeBytes(fourth, 5);
        channel.writeInbound(bytes);
        for (String payload : new String[] {"one", "two", "three"}) {
            PublishPacket p = read();
            assertThat(p.topic()).isEqualTo("t/" + payload);
            assertThat(new String(p.payload(), StandardCharsets.UTF_8)).isEqualTo(payload);
        }
        assertThat(read()).isNull();
        channel.writeInbound(fourth);
        assertThat(read().payload()).asString(StandardCharsets.UTF_8).isEqualTo("four");
    }

    @Test
    void aTopicPublishedToAgainIsTheSameString() {
        for (String topic : new String[] {"sensors/1", "sensors/1", "sensors/10", "sensors/1", "température",
                "température"}) {
            channel.writeInbound(CodecRoundTripTest.encode(publish(topic, "x"), MqttVersion.MQTT_3_1_1));
        }
        PublishPacket first = read();
        assertThat(read().topic()).isSameAs(first.topic());
        assertThat(read().topic()).isEqualTo("sensors/10");
        PublishPacket again = read();
        assertThat(again.topic()).isEqualTo("sensors/1").isNotSameAs(first.topic());
        assertThat(read().topic()).isEqualTo("température");
        assertThat(read().topic()).isEqualTo("température");
    }

    @Test
    void aPacketToTheSameTopicIsStillChecked() {
        channel.writeInbound(CodecRoundTripTest.encode(publish("a/b", "x"), MqttVersion.MQTT_3_1_1));
        assertThat(read().topic()).isEqualTo("a/b");
        // QoS 1 to "a/b" with packet identifier 0: refused however familiar the topic.
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x32, 0x07, 0x00, 0x03, 'a', '/', 'b', 0, 0}));
        assertThat((Object) channel.readInbound()).isInstanceOfSatisfying(InvalidPacket.class,
                invalid -> assertThat(invalid.reasonCode()).isEqualTo(ReasonCode.PROTOCOL_ERROR));
    }
}
