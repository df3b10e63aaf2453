package io.starling.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import io.starling.testkit.StarlingExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Eclipse Paho Java for MQTT 3.1 and 3.1.1: pub/sub at every QoS, retained messages, clean session false with
 * an offline queue, and wills. (Paho waits about 300 ms after the TCP handshake before it sends CONNECT, so the
 * class shares one publisher and keeps its connection count low.)
 */
class PahoV3Test {

    static final BrokerEvents EVENTS = new BrokerEvents();

    @RegisterExtension
    static final StarlingExtension BROKER = StarlingExtension.create(b -> b.hookListener(EVENTS));

    private static MqttClient publisher;

    /** One received message. */
    record Received(String topic, String payload, int qos, boolean retained) {
    }

    /** Collects what a Paho client receives. */
    static final class Inbox implements MqttCallback {
        final BlockingQueue<Received> queue = new LinkedBlockingQueue<>();

        @Override
        public void connectionLost(Throwable cause) {
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            queue.add(new Received(topic, new String(message.getPayload(), StandardCharsets.UTF_8), message.getQos(),
                    message.isRetained()));
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
        }

        Received next() throws InterruptedException {
            Received r = queue.poll(Clients.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(r).as("a message within %s", Clients.TIMEOUT).isNotNull();
            return r;
        }
    }

    private final List<MqttClient> clients = new ArrayList<>();

    @BeforeAll
    static void connectPublisher() throws MqttException {
        publisher = new MqttClient(BROKER.uri(), Clients.id("paho3-pub"), new MemoryPersistence());
        publisher.connect(options(MqttConnectOptions.MQTT_VERSION_3_1_1, true));
    }

    @AfterAll
    static void disconnectPublisher() throws MqttException {
        publisher.disconnect();
        publisher.close();
    }

    @AfterEach
    void closeClients() {
        for (MqttClient c : clients) {
            try {
                if (c.isConnected()) {
                    c.disconnect();
                }
                c.close();
            } catch (MqttException e) {
                // already gone
            }
        }
    }

    private MqttClient client(String id) throws MqttException {
        MqttClient c = new MqttClient(BROKER.uri(), id, new MemoryPersistence());
        clients.add(c);
        return c;
    }

    private static MqttConnectOptions options(int version, boolean cleanSession) {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(version);
        o.setCleanSession(cleanSession);
        o.setAutomaticReconnect(false);
        return o;
    }

    private MqttClient connected(String prefix, int version, Inbox inbox) throws MqttException {
        MqttClient c = client(Clients.id(prefix));
        c.setCallback(inbox);
        c.connect(options(version, true));
        return c;
    }

    private static MqttMessage message(String payload, int qos, boolean retained) {
        MqttMessage m = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
        m.setQos(qos);
        m.setRetained(retained);
        return m;
    }

    @ParameterizedTest(name = "MQTT version {0}")
    @ValueSource(ints = {MqttConnectOptions.MQTT_VERSION_3_1, MqttConnectOptions.MQTT_VERSION_3_1_1})
    void publishAndSubscribeAtEveryQos(int version) throws Exception {
        String topic = Clients.topic("paho3");
        Inbox inbox = new Inbox();
        MqttClient client = connected("paho3", version, inbox);
        client.subscribe(topic + "/#", 2);
        client.subscribe(topic + "-one", 1);
        for (int qos = 0; qos <= 2; qos++) {
            // Both directions at this QoS: the client under test publishes and receives.
            client.publish(topic + "/q" + qos, message("qos" + qos, qos, false));
        }
        for (int qos = 0; qos <= 2; qos++) {
            Received r = inbox.next();
            assertThat(r.topic()).isEqualTo(topic + "/q" + qos);
            assertThat(r.payload()).isEqualTo("qos" + qos);
            assertThat(r.qos()).isEqualTo(qos);
            assertThat(r.retained()).isFalse();
        }

        publisher.publish(topic + "-one", message("down", 2, false));
        Received down = inbox.next();
        assertThat(down.payload()).isEqualTo("down");
        assertThat(down.qos()).as("QoS 2 message on a QoS 1 subscription").isEqualTo(1);
    }

    @Test
    void retainedMessages() throws Exception {
        String topic = Clients.topic("paho3-retain");
        publisher.publish(topic, message("old", 1, true));
        publisher.publish(topic, message("current", 2, true));

        Inbox inbox = new Inbox();
        MqttClient sub = connected("paho3-rsub", MqttConnectOptions.MQTT_VERSION_3_1_1, inbox);
        sub.subscribe(topic, 1);
        Received r = inbox.next();
        assertThat(r.payload()).isEqualTo("current");
        assertThat(r.retained()).isTrue();
        assertThat(r.qos()).isEqualTo(1);

        // Cleared by the client under test; the clearing message itself still reaches subscribers.
        sub.publish(topic, message("", 1, true));
        assertThat(inbox.next().payload()).isEmpty();
        sub.unsubscribe(topic);
        sub.subscribe(topic, 1);
        publisher.publish(topic, message("marker", 1, false));
        assertThat(inbox.next().payload()).as("nothing retained any more").isEqualTo("marker");
    }

    @Test
    void cleanSessionFalseQueuesWhileOffline() throws Exception {
        String topic = Clients.topic("paho3-persist");
        String id = Clients.id("paho3-persist");
        // The async client tells whether the session was present.
        MqttAsyncClient first = new MqttAsyncClient(BROKER.uri(), id, new MemoryPersistence());
        IMqttToken token = first.connect(options(MqttConnectOptions.MQTT_VERSION_3_1_1, false));
        token.waitForCompletion(Clients.TIMEOUT.toMillis());
        assertThat(token.getSessionPresent()).isFalse();
        first.subscribe(topic, 2).waitForCompletion(Clients.TIMEOUT.toMillis());
        first.disconnect().waitForCompletion(Clients.TIMEOUT.toMillis());
        first.close();
        EVENTS.awaitDisconnected(id);

        // QoS 1 first, QoS 2 last: Paho hands a QoS 2 message to the application only at PUBREL, so it may
        // overtake nothing but can be overtaken; ordering is promised per QoS level.
        for (int i = 0; i < 5; i++) {
            publisher.publish(topic, message("offline" + i, i < 4 ? 1 : 2, false));
        }

        Inbox inbox = new Inbox();
        MqttAsyncClient second = new MqttAsyncClient(BROKER.uri(), id, new MemoryPersistence());
        second.setCallback(inbox);
        IMqttToken again = second.connect(options(MqttConnectOptions.MQTT_VERSION_3_1_1, false));
        again.waitForCompletion(Clients.TIMEOUT.toMillis());
        try {
            assertThat(again.getSessionPresent()).isTrue();
            for (int i = 0; i < 5; i++) {
                Received r = inbox.next();
                assertThat(r.payload()).isEqualTo("offline" + i);
                assertThat(r.qos()).isEqualTo(i < 4 ? 1 : 2);
            }
        } finally {
            second.disconnect().waitForCompletion(Clients.TIMEOUT.toMillis());
            second.close();
            // End the stored session.
            Mqtt3BlockingClient cleanup = Clients.v3(BROKER, id);
            cleanup.connectWith().cleanSession(true).send();
            cleanup.disconnect();
        }
    }

    @Test
    void willOnConnectionLossButNotOnDisconnect() throws Exception {
        String willTopic = Clients.topic("paho3-will");
        Inbox inbox = new Inbox();
        MqttClient watcher = connected("paho3-watch", MqttConnectOptions.MQTT_VERSION_3_1_1, inbox);
        watcher.subscribe(willTopic, 1);

        String normalId = Clients.id("paho3-normal");
        MqttClient normal = client(normalId);
        MqttConnectOptions o = options(MqttConnectOptions.MQTT_VERSION_3_1_1, true);
        o.setWill(willTopic, "normal-will".getBytes(StandardCharsets.UTF_8), 1, false);
        normal.connect(o);
        normal.disconnect();
        EVENTS.awaitDisconnected(normalId);

        MqttClient lost = client(Clients.id("paho3-lost"));
        MqttConnectOptions lo = options(MqttConnectOptions.MQTT_VERSION_3_1, true);
        lo.setWill(willTopic, "lost-will".getBytes(StandardCharsets.UTF_8), 2, false);
        lost.connect(lo);
        // Close the socket without DISCONNECT.
        lost.disconnectForcibly(0, 100, false);

        Received will = inbox.next();
        assertThat(will.payload()).as("only the lost connection's will").isEqualTo("lost-will");
        assertThat(will.qos()).isEqualTo(1);
    }
}
