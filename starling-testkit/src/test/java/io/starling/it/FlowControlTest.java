package io.starling.it;

import static io.starling.it.Clients.bytes;
import static io.starling.it.Clients.receive;
import static io.starling.it.Clients.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.starling.api.hook.HookListener.DropReason;
import io.starling.codec.MqttProperties;
import io.starling.codec.MqttVersion;
import io.starling.codec.PacketType;
import io.starling.codec.packet.AckPacket;
import io.starling.codec.packet.ConnectPacket;
import io.starling.codec.packet.PublishPacket;
import io.starling.codec.packet.SubAckPacket;
import io.starling.codec.packet.SubscribePacket;
import io.starling.codec.packet.TopicSubscription;
import io.starling.testkit.RawClient;
import io.starling.testkit.StarlingExtension;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a client limits: its receive maximum (in-flight window) and its maximum packet size. */
class FlowControlTest {

    @RegisterExtension
    static final StarlingExtension BROKER = StarlingExtension.create();

    private Mqtt5BlockingClient publisher;

    @BeforeEach
    void connectPublisher() {
        publisher = Clients.connectedV5(BROKER, Clients.id("flow-pub"));
    }

    @AfterEach
    void disconnectPublisher() {
        Clients.closeQuietly(publisher);
    }

    @Test
    void receiveMaximumOneStillGetsEveryQos1MessageInOrder() {
        String topic = Clients.topic("rm1");
        Mqtt5BlockingClient sub = Clients.v5(BROKER, Clients.id("rm1"));
        sub.connectWith().restrictions().receiveMaximum(1).applyRestrictions().send();
        try (var in = Clients.publishes(sub)) {
            sub.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
            for (int i = 0; i < 100; i++) {
                publisher.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("r" + i)).send();
            }
            for (int i = 0; i < 100; i++) {
                Mqtt5Publish p = receive(in);
                assertThat(text(p)).isEqualTo("r" + i);
                assertThat(p.getQos()).isEqualTo(MqttQos.AT_LEAST_ONCE);
            }
        } finally {
            sub.disconnect();
        }
    }

    @Test
    void receiveMaximumOneMeansOneUnacknowledgedMessageAtATime() {
        String topic = Clients.topic("rm1-raw");
        ConnectPacket connect = new ConnectPacket(MqttVersion.MQTT_5, Clients.id("rm1-raw"), true, 60, null, null,
                null, MqttProperties.builder().receiveMaximum(1).build());
        try (RawClient raw = Clients.raw(BROKER, connect)) {
            raw.send(new SubscribePacket(1, List.of(TopicSubscription.of(topic, 2)), MqttProperties.NONE));
            raw.receive(SubAckPacket.class);
            publisher.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("a")).send();
            publisher.publishWith().topic(topic).qos(MqttQos.EXACTLY_ONCE).payload(bytes("b")).send();
            publisher.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("c")).send();

            PublishPacket a = raw.receive(PublishPacket.class);
            assertThat(payload(a)).isEqualTo("a");
            assertThat(raw.poll(Clients.QUIET)).as("window full until PUBACK").isNull();
            raw.send(AckPacket.of(PacketType.PUBACK, a.packetId()));

            PublishPacket b = raw.receive(PublishPacket.class);
            assertThat(payload(b)).isEqualTo("b");
            assertThat(b.qos()).isEqualTo(2);
            raw.send(AckPacket.of(PacketType.PUBREC, b.packetId()));
            assertThat(raw.receive(AckPacket.class).type()).isEqualTo(PacketType.PUBREL);
            assertThat(raw.poll(Clients.QUIET)).as("a QoS 2 message holds its slot until PUBCOMP").isNull();
            raw.send(AckPacket.of(PacketType.PUBCOMP, b.packetId()));

            assertThat(payload(raw.receive(PublishPacket.class))).isEqualTo("c");
        }
    }

    @Test
    void aMessageLargerThanTheClientsMaximumPacketSizeIsNotDelivered() {
        String topic = Clients.topic("maxpacket");
        long tooLargeBefore = BROKER.node().metrics().messagesDropped(DropReason.TOO_LARGE);
        Mqtt5BlockingClient sub = Clients.v5(BROKER, Clients.id("maxpacket"));
        sub.connectWith().restrictions().maximumPacketSize(256).applyRestrictions().send();
        try (var in = Clients.publishes(sub)) {
            sub.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
            byte[] big = new byte[1000];
            Arrays.fill(big, (byte) 'x');
            publisher.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(big).send();
            publisher.publishWith().topic(topic).qos(MqttQos.AT_MOST_ONCE).payload(big).send();
            publisher.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("small")).send();

            assertThat(text(receive(in))).as("the large ones are skipped, the small one arrives").isEqualTo("small");
            assertThat(BROKER.node().metrics().messagesDropped(DropReason.TOO_LARGE) - tooLargeBefore)
                    .isEqualTo(2);
        } finally {
            sub.disconnect();
        }
    }

    @Test
    void mqtt311ClientIsNotHeldToAReceiveMaximumItWasNeverTold() {
        // MQTT 3.1.1 has no Receive Maximum: 40 QoS 2 messages awaiting PUBREL (more than the node's 32) are fine.
        try (RawClient raw = RawClient.connect(BROKER.port(), MqttVersion.MQTT_3_1_1, Clients.id("many-qos2"))) {
            String topic = Clients.topic("many-qos2");
            for (int id = 1; id <= 40; id++) {
                raw.send(new PublishPacket(id, topic, bytes("x"), 2, false, false, MqttProperties.NONE));
            }
            for (int id = 1; id <= 40; id++) {
                AckPacket rec = raw.receive(AckPacket.class);
                assertThat(rec.type()).isEqualTo(PacketType.PUBREC);
                assertThat(rec.packetId()).isEqualTo(id);
            }
            for (int id = 1; id <= 40; id++) {
                raw.send(AckPacket.of(PacketType.PUBREL, id));
                assertThat(raw.receive(AckPacket.class).type()).isEqualTo(PacketType.PUBCOMP);
            }
        }
    }

    private static String payload(PublishPacket p) {
        return new String(p.payload(), StandardCharsets.UTF_8);
    }
}
