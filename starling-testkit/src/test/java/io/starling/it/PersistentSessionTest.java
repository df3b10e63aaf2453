package io.starling.it;

import static io.starling.it.Clients.bytes;
import static io.starling.it.Clients.receive;
import static io.starling.it.Clients.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.starling.codec.MqttProperties;
import io.starling.codec.MqttVersion;
import io.starling.codec.ReasonCode;
import io.starling.codec.packet.DisconnectPacket;
import io.starling.codec.packet.MqttPacket;
import io.starling.codec.packet.SubAckPacket;
import io.starling.codec.packet.SubscribePacket;
import io.starling.codec.packet.TopicSubscription;
import io.starling.testkit.RawClient;
import io.starling.testkit.StarlingExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Persistent sessions: session present, QoS 1/2 messages queued while the client is offline and delivered in
 * order after it reconnects, clean start discarding them, session expiry, and session takeover.
 */
class PersistentSessionTest {

    static final BrokerEvents EVENTS = new BrokerEvents();

    @RegisterExtension
    static final StarlingExtension BROKER = StarlingExtension.create(b -> b.hookListener(EVENTS));

    private Mqtt5BlockingClient publisher;

    @BeforeEach
    void connectPublisher() {
        publisher = Clients.connectedV5(BROKER, Clients.id("sess-pub"));
    }

    @AfterEach
    void disconnectPublisher() {
        Clients.closeQuietly(publisher);
    }

    private void publish(String topic, int count, MqttQos qos) {
        for (int i = 0; i < count; i++) {
            publisher.publishWith().topic(topic).qos(qos).payload(bytes("q" + i)).send();
        }
    }

    @Test
    void mqtt5OfflineQueueIsDeliveredAfterReconnect() {
        String id = Clients.id("persist5");
        String topic = Clients.topic("persist5");
        Mqtt5BlockingClient first = Clients.v5(BROKER, id);
        var ack = first.connectWith().cleanStart(true).sessionExpiryInterval(60).send();
        assertThat(ack.isSessionPresent()).isFalse();
        first.subscribeWith().topicFilter(topic).qos(MqttQos.EXACTLY_ONCE).send();
        first.disconnect();
        EVENTS.awaitDisconnected(id);

        publish(topic, 5, MqttQos.AT_LEAST_ONCE);
        publish(topic + "/other", 1, MqttQos.AT_LEAST_ONCE);
        publisher.publishWith().topic(topic).qos(MqttQos.EXACTLY_ONCE).payload(bytes("exactly")).send();

        Mqtt5BlockingClient second = Clients.v5(BROKER, id);
        try (var in = Clients.publishes(second)) {
            var again = second.connectWith().cleanStart(false).sessionExpiryInterval(60).send();
            assertThat(again.isSessionPresent()).isTrue();
            for (int i = 0; i < 5; i++) {
                Mqtt5Publish p = receive(in);
                assertThat(text(p)).isEqualTo("q" + i);
                assertThat(p.getQos()).isEqualTo(MqttQos.AT_LEAST_ONCE);
            }
            Mqtt5Publish last = receive(in);
            assertThat(text(last)).isEqualTo("exactly");
            assertThat(last.getQos()).isEqualTo(MqttQos.EXACTLY_ONCE);

            // The subscription itself survived: live messages keep coming.
            publish(topic, 1, MqttQos.AT_LEAST_ONCE);
            assertThat(text(receive(in))).isEqualTo("q0");
        } finally {
            second.disconnectWith().sessionExpiryInterval(0).send();
        }
    }

    @Test
    void mqtt311CleanSessionFalseQueuesWhileOffline() {
        String id = Clients.id("persist3");
        String topic = Clients.topic("persist3");
        Mqtt3BlockingClient first = Clients.v3(BROKER, id);
        var ack = first.connectWith().cleanSession(false).send();
        assertThat(ack.isSessionPresent()).isFalse();
        first.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
        first.disconnect();
        EVENTS.awaitDisconnected(id);

        publish(topic, 5, MqttQos.AT_LEAST_ONCE);

        Mqtt3BlockingClient second = Clients.v3(BROKER, id);
        try (var in = Clients.publishes(second)) {
            var again = second.connectWith().cleanSession(false).send();
            assertThat(again.isSessionPresent()).isTrue();
            for (int i = 0; i < 5; i++) {
                assertThat(text(receive(in))).isEqualTo("q" + i);
            }
        } finally {
            second.disconnect();
        }
        // Clean session true ends the stored session.
        Mqtt3BlockingClient third = Clients.v3(BROKER, id);
        assertThat(third.connectWith().cleanSession(true).send().isSessionPresent()).isFalse();
        third.disconnect();
    }

    @Test
    void cleanStartDiscardsTheQueue() {
        String id = Clients.id("discard");
        String topic = Clients.topic("discard");
        Mqtt5BlockingClient first = Clients.v5(BROKER, id);
        first.connectWith().sessionExpiryInterval(60).send();
        first.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
        first.disconnect();
        EVENTS.awaitDisconnected(id);
        publish(topic, 3, MqttQos.AT_LEAST_ONCE);

        Mqtt5BlockingClient second = Clients.v5(BROKER, id);
        try (var in = Clients.publishes(second)) {
            var ack = second.connectWith().cleanStart(true).sessionExpiryInterval(60).send();
            assertThat(ack.isSessionPresent()).isFalse();
            second.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
            publisher.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("fresh")).send();
            assertThat(text(receive(in))).as("old queue discarded").isEqualTo("fresh");
        } finally {
            second.disconnectWith().sessionExpiryInterval(0).send();
        }
    }

    @Test
    void sessionEndsWhenItsExpiryRunsOut() {
        String id = Clients.id("expiring");
        String topic = Clients.topic("expiring");
        Mqtt5BlockingClient first = Clients.v5(BROKER, id);
        first.connectWith().sessionExpiryInterval(1).send();
        first.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
        first.disconnect();
        long gone = System.nanoTime();
        EVENTS.awaitDisconnected(id);
        publish(topic, 1, MqttQos.AT_LEAST_ONCE);

        // Past the 1 s expiry (with room for the node's timer) the session and its queue are gone.
        Clients.waitUntil(gone, Duration.ofMillis(1500));
        Mqtt5BlockingClient second = Clients.v5(BROKER, id);
        try (var in = Clients.publishes(second)) {
            var ack = second.connectWith().cleanStart(false).sessionExpiryInterval(0).send();
            assertThat(ack.isSessionPresent()).isFalse();
            second.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
            publisher.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("fresh")).send();
            assertThat(text(receive(in))).as("the queued message went with the session").isEqualTo("fresh");
        } finally {
            second.disconnect();
        }
    }

    @Test
    void mqtt5SessionTakeoverDisconnectsTheFirstConnectionWith0x8E() throws Exception {
        String id = Clients.id("takeover5");
        String topic = Clients.topic("takeover5");
        CompletableFuture<Throwable> firstCause = new CompletableFuture<>();
        Mqtt5BlockingClient first = Mqtt5Client.builder().identifier(id).serverHost(BROKER.host())
                .serverPort(BROKER.port())
                .addDisconnectedListener((MqttClientDisconnectedContext c) -> firstCause.complete(c.getCause()))
                .buildBlocking();
        first.connectWith().sessionExpiryInterval(60).send();
        first.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();

        Mqtt5BlockingClient second = Clients.v5(BROKER, id);
        try (var in = Clients.publishes(second)) {
            var ack = second.connectWith().cleanStart(false).sessionExpiryInterval(60).send();
            assertThat(ack.isSessionPresent()).as("the session moved to the new connection").isTrue();

            Throwable cause = firstCause.get(5, TimeUnit.SECONDS);
            assertThat(cause).isInstanceOf(Mqtt5DisconnectException.class);
            assertThat(((Mqtt5DisconnectException) cause).getMqttMessage().getReasonCode())
                    .isEqualTo(Mqtt5DisconnectReasonCode.SESSION_TAKEN_OVER);

            publish(topic, 1, MqttQos.AT_LEAST_ONCE);
            assertThat(text(receive(in))).as("subscriptions survive the takeover").isEqualTo("q0");
        } finally {
            second.disconnectWith().sessionExpiryInterval(0).send();
        }
    }

    @Test
    void mqtt5TakeoverSendsDisconnect0x8EOnTheWire() {
        String id = Clients.id("takeover-raw");
        RawClient first = RawClient.connect(BROKER.port(), MqttVersion.MQTT_5, id);
        try {
            Mqtt5BlockingClient second = Clients.connectedV5(BROKER, id);
            List<MqttPacket> before = first.awaitClosed();
            assertThat(before).hasSize(1);
            assertThat(before.get(0)).isInstanceOfSatisfying(DisconnectPacket.class,
                    d -> assertThat(d.reasonCode()).isEqualTo(ReasonCode.SESSION_TAKEN_OVER));
            second.disconnect();
        } finally {
            first.close();
        }
    }

    @Test
    void mqtt311TakeoverClosesTheFirstConnection() {
        String id = Clients.id("takeover3");
        String topic = Clients.topic("takeover3");
        RawClient first = RawClient.connect(BROKER.port(), MqttVersion.MQTT_3_1_1, id);
        try {
            first.send(new SubscribePacket(1, List.of(TopicSubscription.of(topic, 1)), MqttProperties.NONE));
            first.receive(SubAckPacket.class);
            Mqtt3BlockingClient second = Clients.connectedV3(BROKER, id);
            assertThat(first.awaitClosed()).as("MQTT 3.1.1 has no DISCONNECT from the server").isEmpty();
            try (var in = Clients.publishes(second)) {
                second.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
                publish(topic, 1, MqttQos.AT_LEAST_ONCE);
                assertThat(text(receive(in))).isEqualTo("q0");
            } finally {
                second.disconnect();
            }
        } finally {
            first.close();
        }
    }
}
