package io.starling.it;

import static io.starling.it.Clients.bytes;
import static io.starling.it.Clients.receive;
import static io.starling.it.Clients.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.starling.testkit.StarlingExtension;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * QoS 0, 1 and 2 in both directions with the HiveMQ client: a message published at one QoS to a subscription
 * at another arrives once, at the lower of the two, for MQTT 3.1.1 and MQTT 5.
 */
class PublishSubscribeTest {

    @RegisterExtension
    static final StarlingExtension BROKER = StarlingExtension.create();

    static Stream<Arguments> qosPairs() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (int pub = 0; pub <= 2; pub++) {
            for (int sub = 0; sub <= 2; sub++) {
                b.add(Arguments.of(pub, sub));
            }
        }
        return b.build();
    }

    @ParameterizedTest(name = "MQTT 5: publish QoS {0}, subscribe QoS {1}")
    @MethodSource("qosPairs")
    void mqtt5(int pubQos, int subQos) {
        String topic = Clients.topic("pubsub5");
        Mqtt5BlockingClient sub = Clients.connectedV5(BROKER, Clients.id("sub5"));
        Mqtt5BlockingClient pub = Clients.connectedV5(BROKER, Clients.id("pub5"));
        try (Mqtt5BlockingClient.Mqtt5Publishes received = Clients.publishes(sub)) {
            var ack = sub.subscribeWith().topicFilter(topic).qos(MqttQos.fromCode(subQos)).send();
            assertThat(ack.getReasonCodes()).containsExactly(Mqtt5SubAckReasonCode.values()[subQos]);

            for (int i = 0; i < 3; i++) {
                pub.publishWith().topic(topic).qos(MqttQos.fromCode(pubQos)).payload(bytes("m" + i)).send();
            }
            pub.publishWith().topic(topic).qos(MqttQos.fromCode(pubQos)).payload(bytes("end")).send();
            for (int i = 0; i < 3; i++) {
                Mqtt5Publish p = receive(received);
                assertThat(p.getTopic().toString()).isEqualTo(topic);
                assertThat(text(p)).isEqualTo("m" + i);
                assertThat(p.getQos().getCode()).isEqualTo(Math.min(pubQos, subQos));
                assertThat(p.isRetain()).isFalse();
            }
            assertThat(text(receive(received))).as("no duplicate before the last message").isEqualTo("end");
        } finally {
            sub.disconnect();
            pub.disconnect();
        }
    }

    @ParameterizedTest(name = "MQTT 3.1.1: publish QoS {0}, subscribe QoS {1}")
    @MethodSource("qosPairs")
    void mqtt311(int pubQos, int subQos) {
        String topic = Clients.topic("pubsub3");
        Mqtt3BlockingClient sub = Clients.connectedV3(BROKER, Clients.id("sub3"));
        Mqtt3BlockingClient pub = Clients.connectedV3(BROKER, Clients.id("pub3"));
        try (Mqtt3BlockingClient.Mqtt3Publishes received = Clients.publishes(sub)) {
            var ack = sub.subscribeWith().topicFilter(topic).qos(MqttQos.fromCode(subQos)).send();
            assertThat(ack.getReturnCodes()).hasSize(1);
            assertThat(ack.getReturnCodes().get(0).getCode()).isEqualTo(subQos);

            for (int i = 0; i < 3; i++) {
                pub.publishWith().topic(topic).qos(MqttQos.fromCode(pubQos)).payload(bytes("m" + i)).send();
            }
            pub.publishWith().topic(topic).qos(MqttQos.fromCode(pubQos)).payload(bytes("end")).send();
            for (int i = 0; i < 3; i++) {
                Mqtt3Publish p = receive(received);
                assertThat(p.getTopic().toString()).isEqualTo(topic);
                assertThat(text(p)).isEqualTo("m" + i);
                assertThat(p.getQos().getCode()).isEqualTo(Math.min(pubQos, subQos));
                assertThat(p.isRetain()).isFalse();
            }
            assertThat(text(receive(received))).as("no duplicate before the last message").isEqualTo("end");
        } finally {
            sub.disconnect();
            pub.disconnect();
        }
    }

    @Test
    void mqtt311PublisherToMqtt5SubscriberAndBack() {
        String topic = Clients.topic("cross");
        Mqtt5BlockingClient c5 = Clients.connectedV5(BROKER, Clients.id("cross5"));
        Mqtt3BlockingClient c3 = Clients.connectedV3(BROKER, Clients.id("cross3"));
        try (var in5 = Clients.publishes(c5); var in3 = Clients.publishes(c3)) {
            c5.subscribeWith().topicFilter(topic + "/to5").qos(MqttQos.EXACTLY_ONCE).send();
            c3.subscribeWith().topicFilter(topic + "/to3").qos(MqttQos.EXACTLY_ONCE).send();

            c3.publishWith().topic(topic + "/to5").qos(MqttQos.EXACTLY_ONCE).payload(bytes("from3")).send();
            c5.publishWith().topic(topic + "/to3").qos(MqttQos.EXACTLY_ONCE).payload(bytes("from5")).send();

            Mqtt5Publish at5 = receive(in5);
            assertThat(text(at5)).isEqualTo("from3");
            assertThat(at5.getQos()).isEqualTo(MqttQos.EXACTLY_ONCE);
            Mqtt3Publish at3 = receive(in3);
            assertThat(text(at3)).isEqualTo("from5");
            assertThat(at3.getQos()).isEqualTo(MqttQos.EXACTLY_ONCE);
        } finally {
            c5.disconnect();
            c3.disconnect();
        }
    }

    @Test
    void wildcardSubscriptionsMatchAndOverlappingOnesDeliverOnce() {
        String base = Clients.topic("wild");
        Mqtt5BlockingClient sub = Clients.connectedV5(BROKER, Clients.id("wild"));
        Mqtt5BlockingClient pub = Clients.connectedV5(BROKER, Clients.id("wildpub"));
        try (var in = Clients.publishes(sub)) {
            sub.subscribeWith().topicFilter(base + "/+/temp").qos(MqttQos.AT_LEAST_ONCE)
                    .addSubscription().topicFilter(base + "/#").qos(MqttQos.AT_MOST_ONCE).applySubscription()
                    .send();
            pub.publishWith().topic(base + "/kitchen/temp").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("21")).send();
            pub.publishWith().topic(base + "/kitchen/humidity").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("40"))
                    .send();

            Mqtt5Publish first = receive(in);
            assertThat(first.getTopic().toString()).isEqualTo(base + "/kitchen/temp");
            // Overlapping subscriptions: one copy, at the highest granted QoS [MQTT-3.3.4-2].
            assertThat(first.getQos()).isEqualTo(MqttQos.AT_LEAST_ONCE);
            Mqtt5Publish second = receive(in);
            assertThat(second.getTopic().toString()).isEqualTo(base + "/kitchen/humidity");
            assertThat(second.getQos()).isEqualTo(MqttQos.AT_MOST_ONCE);
            pub.publishWith().topic(base + "/end").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("end")).send();
            assertThat(text(receive(in))).as("no second copy before the marker").isEqualTo("end");
        } finally {
            sub.disconnect();
            pub.disconnect();
        }
    }
}
