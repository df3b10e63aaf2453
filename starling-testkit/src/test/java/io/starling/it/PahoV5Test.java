package io.starling.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.starling.testkit.StarlingExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Eclipse Paho Java for MQTT 5: pub/sub at every QoS (with properties), retained messages, a persistent session
 * with session expiry and an offline queue, and wills.
 */
class PahoV5Test {

    static final BrokerEvents EVENTS = new BrokerEvents();

    @RegisterExtension
    static final StarlingExtension BROKER = StarlingExtension.create(b -> b.hookListener(EVENTS));

    /** Paho logs every QoS 2 step at INFO through java.util.logging; held strongly so the level sticks. */
    private static final java.util.logging.Logger PAHO_LOG = quiet(java.util.logging.Logger.getLogger("org.eclipse.paho"));

    private static MqttClient publisher;

    private static java.util.logging.Logger quiet(java.util.logging.Logger logger) {
        logger.setLevel(java.util.logging.Level.WARNING);
        return logger;
    }

    /** One received message. */
    record Received(String topic, String payload, int qos, boolean retained, MqttProperties properties) {
    }

    /** Collects what a Paho client receives. */
    static final class Inbox implements MqttCallback {
        final BlockingQueue<Received> queue = new LinkedBlockingQueue<>();

        @Override
        public void disconnected(MqttDisconnectResponse response) {
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            queue.add(new Received(topic, new String(message.getPayload(), StandardCharsets.UTF_8), message.getQos(),
                    message.isRetained(), message.getProperties()));
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
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
        publisher = new MqttClient(BROKER.uri(), Clients.id("paho5-pub"), new MemoryPersistence());
        publisher.connect(options(true, 0));
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

    private static MqttConnectionOptions options(boolean cleanStart, long sessionExpiry) {
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(cleanStart);
        o.setSessionExpiryInterval(sessionExpiry);
        o.setAutomaticReconnect(false);
        return o;
    }

    private MqttClient client(String id, Inbox inbox) throws MqttException {
        MqttClient c = new MqttClient(BROKER.uri(), id, new MemoryPersistence());
        clients.add(c);
        if (inbox != null) {
            c.setCallback(inbox);
        }
        return c;
    }

    private static void subscribe(MqttClient c, String filter, int qos) throws MqttException {
        IMqttToken t = c.subscribe(new MqttSubscription[] {new MqttSubscription(filter, qos)});
        assertThat(t.getReasonCodes()).containsExactly(qos);
    }

    private static MqttMessage message(String payload, int qos, boolean retained) {
        MqttMessage m = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
        m.setQos(qos);
        m.setRetained(retained);
        return m;
    }

    @Test
    void publishAndSubscribeAtEveryQos() throws Exception {
        String topic = Clients.topic("paho5");
        Inbox inbox = new Inbox();
        MqttClient client = client(Clients.id("paho5"), inbox);
        client.connect(options(true, 0));
        subscribe(client, topic + "/#", 2);
        for (int qos = 0; qos <= 2; qos++) {
            MqttMessage m = message("qos" + qos, qos, false);
            MqttProperties props = new MqttProperties();
            props.setUserProperties(List.of(new UserProperty("qos", String.valueOf(qos))));
            props.setContentType("text/plain");
            m.setProperties(props);
            client.publish(topic + "/q" + qos, m);
        }
        for (int qos = 0; qos <= 2; qos++) {
            Received r = inbox.next();
            assertThat(r.topic()).isEqualTo(topic + "/q" + qos);
            assertThat(r.payload()).isEqualTo("qos" + qos);
            assertThat(r.qos()).isEqualTo(qos);
            assertThat(r.retained()).isFalse();
            assertThat(r.properties().getContentType()).isEqualTo("text/plain");
            assertThat(r.properties().getUserProperties()).extracting(UserProperty::getValue)
                    .containsExactly(String.valueOf(qos));
        }

        subscribe(client, topic + "-one", 1);
        publisher.publish(topic + "-one", message("down", 2, false));
        Received down = inbox.next();
        assertThat(down.payload()).isEqualTo("down");
        assertThat(down.qos()).isEqualTo(1);
    }

    @Test
    void retainedMessages() throws Exception {
        String topic = Clients.topic("paho5-retain");
        publisher.publish(topic, message("old", 1, true));
        publisher.publish(topic, message("current", 1, true));

        Inbox inbox = new Inbox();
        MqttClient sub = client(Clients.id("paho5-rsub"), inbox);
        sub.connect(options(true, 0));
        subscribe(sub, topic, 2);
        Received r = inbox.next();
        assertThat(r.payload()).isEqualTo("current");
        assertThat(r.retained()).isTrue();

        sub.publish(topic, message("", 1, true));
        assertThat(inbox.next().payload()).isEmpty();
        sub.unsubscribe(topic);
        subscribe(sub, topic, 2);
        publisher.publish(topic, message("marker", 1, false));
        assertThat(inbox.next().payload()).as("nothing retained any more").isEqualTo("marker");
    }

    @Test
    void persistentSessionQueuesWhileOffline() throws Exception {
        String topic = Clients.topic("paho5-persist");
        String id = Clients.id("paho5-persist");
        MqttClient first = client(id, null);
        IMqttToken token = first.connectWithResult(options(true, 300));
        assertThat(token.getSessionPresent()).isFalse();
        subscribe(first, topic, 2);
        first.disconnect();
        EVENTS.awaitDisconnected(id);

        for (int i = 0; i < 5; i++) {
            publisher.publish(topic, message("offline" + i, i < 4 ? 1 : 2, false));
        }

        Inbox inbox = new Inbox();
        MqttClient second = client(id, inbox);
        IMqttToken again = second.connectWithResult(options(false, 0));
        assertThat(again.getSessionPresent()).isTrue();
        for (int i = 0; i < 5; i++) {
            Received r = inbox.next();
            assertThat(r.payload()).isEqualTo("offline" + i);
            assertThat(r.qos()).isEqualTo(i < 4 ? 1 : 2);
        }
    }

    @Test
    void willOnConnectionLossButNotOnDisconnect() throws Exception {
        String willTopic = Clients.topic("paho5-will");
        Mqtt5BlockingClient watcher = Clients.connectedV5(BROKER, Clients.id("paho5-watch"));
        try (var wills = Clients.publishes(watcher)) {
            watcher.subscribeWith().topicFilter(willTopic)
                    .qos(com.hivemq.client.mqtt.datatypes.MqttQos.AT_LEAST_ONCE).send();

            String normalId = Clients.id("paho5-normal");
            MqttClient normal = client(normalId, null);
            MqttConnectionOptions o = options(true, 0);
            o.setWill(willTopic, message("normal-will", 1, false));
            normal.connect(o);
            normal.disconnect();
            EVENTS.awaitDisconnected(normalId);

            MqttClient lost = client(Clients.id("paho5-lost"), null);
            MqttConnectionOptions lo = options(true, 0);
            lo.setWill(willTopic, message("lost-will", 1, false));
            lost.connect(lo);
            lost.disconnectForcibly(0, 100, false);

            assertThat(Clients.text(Clients.receive(wills))).as("only the lost connection's will")
                    .isEqualTo("lost-will");
        } finally {
            watcher.disconnect();
        }
    }
}
