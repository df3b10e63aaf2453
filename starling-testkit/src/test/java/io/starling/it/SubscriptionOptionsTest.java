package io.starling.it;

import static io.starling.it.Clients.bytes;
import static io.starling.it.Clients.receive;
import static io.starling.it.Clients.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.starling.codec.MqttProperties;
import io.starling.codec.MqttVersion;
import io.starling.codec.packet.PublishPacket;
import io.starling.codec.packet.SubAckPacket;
import io.starling.codec.packet.SubscribePacket;
import io.starling.codec.packet.TopicSubscription;
import io.starling.testkit.RawClient;
import io.starling.testkit.StarlingExtension;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Subscription options: no-local, and MQTT 5 subscription identifiers (checked on the wire with RawClient). */
class SubscriptionOptionsTest {

    @RegisterExtension
    static final StarlingExtension BROKER = StarlingExtension.create();

    private Mqtt5BlockingClient publisher;

    @BeforeEach
    void connectPublisher() {
        publisher = Clients.connectedV5(BROKER, Clients.id("opt-pub"));
    }

    @AfterEach
    void disconnectPublisher() {
        Clients.closeQuietly(publisher);
    }

    private void publish(String topic, String payload) {
        publisher.publishWith().topic(topic).qos(MqttQos.AT_MOST_ONCE).payload(bytes(payload)).send();
    }

    @Test
    void noLocalSuppressesTheClientsOwnMessages() {
        String topic = Clients.topic("nolocal");
        Mqtt5BlockingClient client = Clients.connectedV5(BROKER, Clients.id("nolocal"));
        try (var in = Clients.publishes(client)) {
            client.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).noLocal(true).send();
            client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("own")).send();
            publish(topic, "other");
            assertThat(text(receive(in))).isEqualTo("other");
        } finally {
            client.disconnect();
        }
    }

    @Test
    void withoutNoLocalTheClientGetsItsOwnMessages() {
        String topic = Clients.topic("local");
        Mqtt5BlockingClient client = Clients.connectedV5(BROKER, Clients.id("local5"));
        Mqtt3BlockingClient client3 = Clients.connectedV3(BROKER, Clients.id("local3"));
        try (var in = Clients.publishes(client); var in3 = Clients.publishes(client3)) {
            client.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).noLocal(false).send();
            client3.subscribeWith().topicFilter(topic + "/3").qos(MqttQos.AT_LEAST_ONCE).send();
            client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("own")).send();
            client3.publishWith().topic(topic + "/3").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("own3")).send();
            assertThat(text(receive(in))).isEqualTo("own");
            assertThat(text(receive(in3))).as("MQTT 3.1.1 has no no-local: own messages come back")
                    .isEqualTo("own3");
        } finally {
            client.disconnect();
            client3.disconnect();
        }
    }

    private static void subscribe(RawClient raw, int packetId, int subscriptionId, String filter) {
        MqttProperties props = MqttProperties.builder().addSubscriptionIdentifier(subscriptionId).build();
        raw.send(new SubscribePacket(packetId, List.of(TopicSubscription.of(filter, 0)), props));
        assertThat(raw.receive(SubAckPacket.class).reasonCodes()).containsExactly(0);
    }

    private static String payload(PublishPacket p) {
        return new String(p.payload(), StandardCharsets.UTF_8);
    }

    @Test
    void overlappingSubscriptionsDeliverOnceWithEveryIdentifier() {
        String base = Clients.topic("subid");
        try (RawClient raw = RawClient.connect(BROKER.port(), MqttVersion.MQTT_5, Clients.id("subid"))) {
            subscribe(raw, 1, 1, base + "/+");
            subscribe(raw, 2, 2, base + "/#");

            publish(base + "/x", "both");
            PublishPacket both = raw.receive(PublishPacket.class);
            assertThat(payload(both)).isEqualTo("both");
            assertThat(both.properties().subscriptionIdentifiers()).containsExactlyInAnyOrder(1, 2);

            publish(base + "/x/y", "deep");
            PublishPacket deep = raw.receive(PublishPacket.class);
            assertThat(payload(deep)).as("one copy of the first message only").isEqualTo("deep");
            assertThat(deep.properties().subscriptionIdentifiers()).containsExactly(2);
        }
    }

    @Test
    void resubscribingReplacesTheIdentifier() {
        String topic = Clients.topic("subid-replace");
        try (RawClient raw = RawClient.connect(BROKER.port(), MqttVersion.MQTT_5, Clients.id("subid-replace"))) {
            subscribe(raw, 1, 7, topic);
            subscribe(raw, 2, 8, topic);
            publish(topic, "x");
            assertThat(raw.receive(PublishPacket.class).properties().subscriptionIdentifiers()).containsExactly(8);
        }
    }

    @Test
    void retainedMessagesCarryTheIdentifierOfTheNewSubscription() {
        String topic = Clients.topic("subid-retained");
        publisher.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).retain(true).payload(bytes("kept")).send();
        try (RawClient raw = RawClient.connect(BROKER.port(), MqttVersion.MQTT_5, Clients.id("subid-retained"))) {
            subscribe(raw, 1, 42, topic);
            PublishPacket p = raw.receive(PublishPacket.class);
            assertThat(p.retain()).isTrue();
            assertThat(p.properties().subscriptionIdentifiers()).containsExactly(42);
        } finally {
            publisher.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).retain(true).payload(new byte[0]).send();
        }
    }
}
