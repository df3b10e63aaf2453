package io.starling.it;

import static io.starling.it.Clients.bytes;
import static io.starling.it.Clients.receive;
import static io.starling.it.Clients.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PayloadFormatIndicator;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.starling.codec.MqttProperties;
import io.starling.codec.MqttVersion;
import io.starling.codec.packet.AckPacket;
import io.starling.codec.packet.ConnectPacket;
import io.starling.codec.packet.PublishPacket;
import io.starling.codec.packet.SubAckPacket;
import io.starling.codec.packet.SubscribePacket;
import io.starling.codec.packet.TopicSubscription;
import io.starling.testkit.RawClient;
import io.starling.testkit.StarlingExtension;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * MQTT 5 message properties end to end: user properties, content type, payload format indicator, response topic
 * and correlation data forwarded unchanged; message expiry counted down and enforced; topic aliases from the
 * client resolved, and to the client assigned.
 */
class MessagePropertiesTest {

    static final BrokerEvents EVENTS = new BrokerEvents();

    @RegisterExtension
    static final StarlingExtension BROKER = StarlingExtension.create(b -> b.hookListener(EVENTS));

    private Mqtt5BlockingClient publisher;

    @BeforeEach
    void connectPublisher() {
        publisher = Clients.connectedV5(BROKER, Clients.id("props-pub"));
    }

    @AfterEach
    void disconnectPublisher() {
        Clients.closeQuietly(publisher);
    }

    @Test
    void applicationPropertiesAreForwardedUnchanged() {
        String topic = Clients.topic("props");
        Mqtt5BlockingClient sub = Clients.connectedV5(BROKER, Clients.id("props-sub"));
        try (var in = Clients.publishes(sub)) {
            sub.subscribeWith().topicFilter(topic).qos(MqttQos.EXACTLY_ONCE).send();
            byte[] correlation = {0, 1, 2, (byte) 0xff};
            publisher.publishWith().topic(topic).qos(MqttQos.EXACTLY_ONCE).payload(bytes("{\"v\":1}"))
                    .contentType("application/json")
                    .payloadFormatIndicator(Mqtt5PayloadFormatIndicator.UTF_8)
                    .responseTopic("reply/to/me")
                    .correlationData(correlation)
                    .userProperties().add("a", "1").add("b", "2").add("a", "3").applyUserProperties()
                    .send();

            Mqtt5Publish p = receive(in);
            assertThat(text(p)).isEqualTo("{\"v\":1}");
            assertThat(p.getContentType().map(Object::toString)).hasValue("application/json");
            assertThat(p.getPayloadFormatIndicator()).hasValue(Mqtt5PayloadFormatIndicator.UTF_8);
            assertThat(p.getResponseTopic().map(Object::toString)).hasValue("reply/to/me");
            assertThat(p.getCorrelationData().map(MessagePropertiesTest::toArray)).hasValue(correlation);
            // Order and repeated names preserved [MQTT-3.3.2-17, -18].
            assertThat(p.getUserProperties().asList().stream()
                    .map(u -> u.getName() + "=" + u.getValue()).collect(Collectors.toList()))
                    .containsExactly("a=1", "b=2", "a=3");
            assertThat(p.getMessageExpiryInterval()).isEmpty();
        } finally {
            sub.disconnect();
        }
    }

    @Test
    void requestResponseRoundTrip() {
        String requests = Clients.topic("requests");
        Mqtt5BlockingClient responder = Clients.connectedV5(BROKER, Clients.id("responder"));
        Mqtt5BlockingClient requester = Clients.connectedV5(BROKER, Clients.id("requester"));
        String replyTopic = Clients.topic("replies");
        try (var requestsIn = Clients.publishes(responder); var repliesIn = Clients.publishes(requester)) {
            responder.subscribeWith().topicFilter(requests).qos(MqttQos.AT_LEAST_ONCE).send();
            requester.subscribeWith().topicFilter(replyTopic).qos(MqttQos.AT_LEAST_ONCE).send();

            requester.publishWith().topic(requests).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("ping"))
                    .responseTopic(replyTopic).correlationData(bytes("req-1")).send();
            Mqtt5Publish request = receive(requestsIn);
            responder.publishWith().topic(request.getResponseTopic().orElseThrow())
                    .qos(MqttQos.AT_LEAST_ONCE).payload(bytes("pong"))
                    .correlationData(request.getCorrelationData().orElseThrow()).send();

            Mqtt5Publish reply = receive(repliesIn);
            assertThat(text(reply)).isEqualTo("pong");
            assertThat(reply.getCorrelationData().map(MessagePropertiesTest::toArray)).hasValue(bytes("req-1"));
        } finally {
            responder.disconnect();
            requester.disconnect();
        }
    }

    @Test
    void mqtt311SubscriberGetsThePayloadOfAMessageWithProperties() {
        String topic = Clients.topic("props3");
        Mqtt3BlockingClient sub = Clients.connectedV3(BROKER, Clients.id("props3"));
        try (var in = Clients.publishes(sub)) {
            sub.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
            publisher.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("plain"))
                    .contentType("text/plain").userProperties().add("k", "v").applyUserProperties()
                    .messageExpiryInterval(60).send();
            assertThat(text(receive(in))).isEqualTo("plain");
        } finally {
            sub.disconnect();
        }
    }

    @Test
    void remainingMessageExpiryIsForwarded() {
        String topic = Clients.topic("expiry");
        Mqtt5BlockingClient sub = Clients.connectedV5(BROKER, Clients.id("expiry-sub"));
        try (var in = Clients.publishes(sub)) {
            sub.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
            publisher.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("e"))
                    .messageExpiryInterval(100).send();
            Mqtt5Publish p = receive(in);
            assertThat(p.getMessageExpiryInterval()).isPresent();
            assertThat(p.getMessageExpiryInterval().getAsLong()).isBetween(98L, 100L);
        } finally {
            sub.disconnect();
        }
    }

    @Test
    void expiredMessagesAreNotDeliveredToAReconnectingClientNorAsRetained() {
        String id = Clients.id("expiry-offline");
        String topic = Clients.topic("expiry-offline");
        Mqtt5BlockingClient first = Clients.v5(BROKER, id);
        first.connectWith().sessionExpiryInterval(60).send();
        first.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
        first.disconnect();
        EVENTS.awaitDisconnected(id);

        String retainedTopic = topic + "-retained";
        long published = System.nanoTime();
        publisher.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("short"))
                .messageExpiryInterval(1).send();
        publisher.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("long"))
                .messageExpiryInterval(60).send();
        publisher.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("forever")).send();
        publisher.publishWith().topic(retainedTopic).qos(MqttQos.AT_LEAST_ONCE).retain(true)
                .payload(bytes("short-retained")).messageExpiryInterval(1).send();

        // The subject of this test is time: wait until the 1 s expiry has certainly run out.
        Clients.waitUntil(published, Duration.ofMillis(1300));

        Mqtt5BlockingClient second = Clients.v5(BROKER, id);
        try (var in = Clients.publishes(second)) {
            assertThat(second.connectWith().cleanStart(false).sessionExpiryInterval(0).send().isSessionPresent())
                    .isTrue();
            Mqtt5Publish longLived = receive(in);
            assertThat(text(longLived)).as("the expired message is skipped").isEqualTo("long");
            assertThat(longLived.getMessageExpiryInterval().getAsLong()).as("expiry counted down").isBetween(1L, 59L);
            assertThat(text(receive(in))).isEqualTo("forever");

            second.subscribeWith().topicFilter(retainedTopic).qos(MqttQos.AT_LEAST_ONCE).send();
            publisher.publishWith().topic(retainedTopic).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("marker")).send();
            assertThat(text(receive(in))).as("an expired retained message is not sent").isEqualTo("marker");
        } finally {
            second.disconnect();
        }
    }

    @Test
    void topicAliasFromTheClientIsResolved() {
        String topic = Clients.topic("alias");
        Mqtt5BlockingClient sub = Clients.connectedV5(BROKER, Clients.id("alias-sub"));
        try (var in = Clients.publishes(sub);
                RawClient raw = RawClient.connect(BROKER.port(), MqttVersion.MQTT_5, Clients.id("alias-raw"))) {
            sub.subscribeWith().topicFilter(topic + "/#").qos(MqttQos.AT_LEAST_ONCE).send();

            raw.send(aliased(1, topic + "/a", 1, "set"));
            assertThat(raw.receive(AckPacket.class).reasonCode()).isZero();
            raw.send(aliased(2, "", 1, "use"));
            assertThat(raw.receive(AckPacket.class).reasonCode()).isZero();
            raw.send(aliased(3, topic + "/b", 1, "remap"));
            raw.receive(AckPacket.class);
            raw.send(aliased(4, "", 1, "use-remapped"));
            raw.receive(AckPacket.class);

            for (String[] expected : new String[][] {{"/a", "set"}, {"/a", "use"}, {"/b", "remap"},
                    {"/b", "use-remapped"}}) {
                Mqtt5Publish p = receive(in);
                assertThat(p.getTopic().toString()).isEqualTo(topic + expected[0]);
                assertThat(text(p)).isEqualTo(expected[1]);
            }
        } finally {
            sub.disconnect();
        }
    }

    @Test
    void hiveMqClientPublishingWithTopicAliasesIsUnderstood() {
        String topic = Clients.topic("alias-hive");
        Mqtt5BlockingClient sub = Clients.connectedV5(BROKER, Clients.id("alias-hive-sub"));
        Mqtt5BlockingClient pub = Clients.v5(BROKER, Clients.id("alias-hive-pub"));
        pub.connectWith().restrictions().sendTopicAliasMaximum(4).applyRestrictions().send();
        try (var in = Clients.publishes(sub)) {
            sub.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
            for (int i = 0; i < 20; i++) {
                pub.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("n" + i)).send();
            }
            for (int i = 0; i < 20; i++) {
                Mqtt5Publish p = receive(in);
                assertThat(p.getTopic().toString()).isEqualTo(topic);
                assertThat(text(p)).isEqualTo("n" + i);
            }
        } finally {
            sub.disconnect();
            pub.disconnect();
        }
    }

    @Test
    void topicAliasesAreAssignedToAClientThatAllowsThem() {
        String topic = Clients.topic("alias-out");
        ConnectPacket connect = new ConnectPacket(MqttVersion.MQTT_5, Clients.id("alias-out"), true, 60, null,
                null, null, MqttProperties.builder().topicAliasMaximum(2).build());
        try (RawClient raw = Clients.raw(BROKER, connect)) {
            raw.send(new SubscribePacket(1, List.of(TopicSubscription.of(topic, 0)), MqttProperties.NONE));
            raw.receive(SubAckPacket.class);
            publisher.publishWith().topic(topic).payload(bytes("1")).send();
            publisher.publishWith().topic(topic).payload(bytes("2")).send();

            PublishPacket first = raw.receive(PublishPacket.class);
            assertThat(first.topic()).isEqualTo(topic);
            Integer alias = first.properties().topicAlias();
            assertThat(alias).isBetween(1, 2);
            PublishPacket second = raw.receive(PublishPacket.class);
            assertThat(second.topic()).as("topic replaced by its alias").isEmpty();
            assertThat(second.properties().topicAlias()).isEqualTo(alias);
            assertThat(new String(second.payload(), StandardCharsets.UTF_8)).isEqualTo("2");
        }
    }

    @Test
    void aClientThatAllowsNoAliasesGetsTheTopicEveryTime() {
        String topic = Clients.topic("alias-none");
        ConnectPacket connect = new ConnectPacket(MqttVersion.MQTT_5, Clients.id("alias-none"), true, 60, null,
                null, null, MqttProperties.NONE);
        try (RawClient raw = Clients.raw(BROKER, connect)) {
            raw.send(new SubscribePacket(1, List.of(TopicSubscription.of(topic, 0)), MqttProperties.NONE));
            raw.receive(SubAckPacket.class);
            publisher.publishWith().topic(topic).payload(bytes("1")).send();
            publisher.publishWith().topic(topic).payload(bytes("2")).send();
            for (int i = 0; i < 2; i++) {
                PublishPacket p = raw.receive(PublishPacket.class);
                assertThat(p.topic()).isEqualTo(topic);
                assertThat(p.properties().topicAlias()).isNull();
            }
        }
    }

    private static PublishPacket aliased(int packetId, String topic, int alias, String payload) {
        return new PublishPacket(packetId, topic, bytes(payload), 1, false, false,
                MqttProperties.builder().topicAlias(alias).build());
    }

    private static byte[] toArray(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
