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
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5RetainHandling;
import io.starling.testkit.StarlingExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Retained messages: set, replaced, cleared by an empty payload; retain handling 0/1/2 and retain-as-published
 * for MQTT 5. A check that something is not delivered publishes a plain marker after the SUBACK: retained
 * messages for a subscription are sent before anything published later, so the marker must come first.
 */
class RetainedTest {

    @RegisterExtension
    static final StarlingExtension BROKER = StarlingExtension.create();

    private final List<Mqtt5BlockingClient> v5Clients = new ArrayList<>();
    private final List<Mqtt3BlockingClient> v3Clients = new ArrayList<>();
    private Mqtt5BlockingClient publisher;

    @BeforeEach
    void publisher() {
        publisher = v5("retain-pub");
    }

    @AfterEach
    void disconnect() {
        v5Clients.forEach(Clients::closeQuietly);
        v3Clients.forEach(Clients::closeQuietly);
    }

    private Mqtt5BlockingClient v5(String prefix) {
        Mqtt5BlockingClient c = Clients.connectedV5(BROKER, Clients.id(prefix));
        v5Clients.add(c);
        return c;
    }

    private Mqtt3BlockingClient v3(String prefix) {
        Mqtt3BlockingClient c = Clients.connectedV3(BROKER, Clients.id(prefix));
        v3Clients.add(c);
        return c;
    }

    private void retain(String topic, String payload, MqttQos qos) {
        publisher.publishWith().topic(topic).qos(qos).retain(true).payload(bytes(payload)).send();
    }

    private void marker(String topic) {
        publisher.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("marker")).send();
    }

    @Test
    void mqtt5RetainedIsSetReplacedAndClearedWithAnEmptyPayload() {
        String topic = Clients.topic("retain5");
        retain(topic, "first", MqttQos.AT_LEAST_ONCE);
        retain(topic, "second", MqttQos.AT_LEAST_ONCE);

        Mqtt5BlockingClient late = v5("late5");
        try (var in = Clients.publishes(late)) {
            late.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
            Mqtt5Publish p = receive(in);
            assertThat(text(p)).isEqualTo("second");
            assertThat(p.isRetain()).as("retained message sent for a new subscription has RETAIN set").isTrue();
            assertThat(p.getQos()).isEqualTo(MqttQos.AT_LEAST_ONCE);
            marker(topic);
            assertThat(text(receive(in))).as("only the latest retained message is kept").isEqualTo("marker");
        }

        retain(topic, "", MqttQos.AT_LEAST_ONCE);
        Mqtt5BlockingClient later = v5("later5");
        try (var in = Clients.publishes(later)) {
            later.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
            marker(topic);
            assertThat(text(receive(in))).as("an empty retained payload clears the topic").isEqualTo("marker");
        }
    }

    @Test
    void mqtt311RetainedIsSetReplacedAndClearedWithAnEmptyPayload() {
        String topic = Clients.topic("retain3");
        Mqtt3BlockingClient pub3 = v3("retain-pub3");
        pub3.publishWith().topic(topic).qos(MqttQos.EXACTLY_ONCE).retain(true).payload(bytes("first")).send();
        pub3.publishWith().topic(topic).qos(MqttQos.EXACTLY_ONCE).retain(true).payload(bytes("second")).send();

        Mqtt3BlockingClient late = v3("late3");
        try (var in = Clients.publishes(late)) {
            late.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
            Mqtt3Publish p = receive(in);
            assertThat(text(p)).isEqualTo("second");
            assertThat(p.isRetain()).isTrue();
            assertThat(p.getQos()).as("lower of message and subscription QoS").isEqualTo(MqttQos.AT_LEAST_ONCE);
            marker(topic);
            assertThat(text(receive(in))).isEqualTo("marker");
        }

        pub3.publishWith().topic(topic).qos(MqttQos.AT_MOST_ONCE).retain(true).payload(new byte[0]).send();
        // A QoS 0 PUBLISH has no answer: a QoS 1 one after it on the same connection is acknowledged only once the
        // node has handled both, so the clear is done before anyone subscribes.
        pub3.publishWith().topic(topic + "/sync").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("sync")).send();
        Mqtt3BlockingClient later = v3("later3");
        try (var in = Clients.publishes(later)) {
            later.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
            marker(topic);
            assertThat(text(receive(in))).isEqualTo("marker");
        }
    }

    @Test
    void mqtt311LiveRetainedMessagesArriveWithoutTheRetainFlag() {
        String topic = Clients.topic("live3");
        Mqtt3BlockingClient sub = v3("live3");
        try (var in = Clients.publishes(sub)) {
            sub.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
            retain(topic, "live", MqttQos.AT_LEAST_ONCE);
            Mqtt3Publish p = receive(in);
            assertThat(text(p)).isEqualTo("live");
            // [MQTT-3.3.1-9]: RETAIN is 0 when sent because of an established subscription.
            assertThat(p.isRetain()).isFalse();
        }
    }

    @Test
    void wildcardSubscriptionReceivesEveryMatchingRetainedMessage() {
        String base = Clients.topic("retainwild");
        retain(base + "/a", "A", MqttQos.AT_LEAST_ONCE);
        retain(base + "/b", "B", MqttQos.AT_LEAST_ONCE);
        retain(base + "/c/d", "CD", MqttQos.AT_LEAST_ONCE);
        Mqtt5BlockingClient sub = v5("retainwild");
        try (var in = Clients.publishes(sub)) {
            sub.subscribeWith().topicFilter(base + "/+").qos(MqttQos.AT_MOST_ONCE).send();
            List<String> got = new ArrayList<>();
            got.add(text(receive(in)));
            got.add(text(receive(in)));
            assertThat(got).containsExactlyInAnyOrder("A", "B");
            marker(base + "/z");
            assertThat(text(receive(in))).isEqualTo("marker");
        }
    }

    @Test
    void retainHandling0SendsOnEverySubscribe() {
        String topic = Clients.topic("rh0");
        retain(topic, "kept", MqttQos.AT_LEAST_ONCE);
        Mqtt5BlockingClient sub = v5("rh0");
        try (var in = Clients.publishes(sub)) {
            for (int i = 0; i < 2; i++) {
                sub.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE)
                        .retainHandling(Mqtt5RetainHandling.SEND).send();
                Mqtt5Publish p = receive(in);
                assertThat(text(p)).isEqualTo("kept");
                assertThat(p.isRetain()).isTrue();
            }
        }
    }

    @Test
    void retainHandling1SendsOnlyForANewSubscription() {
        String topic = Clients.topic("rh1");
        retain(topic, "kept", MqttQos.AT_LEAST_ONCE);
        Mqtt5BlockingClient sub = v5("rh1");
        try (var in = Clients.publishes(sub)) {
            sub.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE)
                    .retainHandling(Mqtt5RetainHandling.SEND_IF_SUBSCRIPTION_DOES_NOT_EXIST).send();
            assertThat(text(receive(in))).isEqualTo("kept");

            sub.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE)
                    .retainHandling(Mqtt5RetainHandling.SEND_IF_SUBSCRIPTION_DOES_NOT_EXIST).send();
            marker(topic);
            assertThat(text(receive(in))).as("nothing for an existing subscription").isEqualTo("marker");
        }
    }

    @Test
    void retainHandling2NeverSends() {
        String topic = Clients.topic("rh2");
        retain(topic, "kept", MqttQos.AT_LEAST_ONCE);
        Mqtt5BlockingClient sub = v5("rh2");
        try (var in = Clients.publishes(sub)) {
            sub.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE)
                    .retainHandling(Mqtt5RetainHandling.DO_NOT_SEND).send();
            marker(topic);
            assertThat(text(receive(in))).isEqualTo("marker");
        }
    }

    @Test
    void retainAsPublishedKeepsTheFlagOnLiveMessages() {
        String topic = Clients.topic("rap");
        Mqtt5BlockingClient keeps = v5("rap-on");
        Mqtt5BlockingClient clears = v5("rap-off");
        try (var inKeeps = Clients.publishes(keeps); var inClears = Clients.publishes(clears)) {
            keeps.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).retainAsPublished(true).send();
            clears.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).retainAsPublished(false).send();

            retain(topic, "retained", MqttQos.AT_LEAST_ONCE);
            marker(topic);

            Mqtt5Publish k = receive(inKeeps);
            assertThat(text(k)).isEqualTo("retained");
            assertThat(k.isRetain()).isTrue();
            Mqtt5Publish km = receive(inKeeps);
            assertThat(text(km)).isEqualTo("marker");
            assertThat(km.isRetain()).as("a message published without RETAIN stays without").isFalse();

            Mqtt5Publish c = receive(inClears);
            assertThat(text(c)).isEqualTo("retained");
            assertThat(c.isRetain()).isFalse();
        }
    }
}
