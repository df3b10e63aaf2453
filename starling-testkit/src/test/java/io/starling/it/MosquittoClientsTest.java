package io.starling.it;

import static io.starling.it.Clients.bytes;
import static io.starling.it.Clients.receive;
import static io.starling.it.Clients.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.starling.testkit.StarlingExtension;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code mosquitto_pub} and {@code mosquitto_sub} from Debian's mosquitto-clients, for MQTT 3.1, 3.1.1 and 5:
 * pub/sub at QoS 0/1/2, retained messages, and {@code -C} counts. mosquitto_sub prints nothing when its
 * subscription is in place, so the tests wait for the node's subscribe hook before publishing.
 */
class MosquittoClientsTest {

    static final BrokerEvents EVENTS = new BrokerEvents();

    @RegisterExtension
    static final StarlingExtension BROKER = StarlingExtension.create(b -> b.hookListener(EVENTS));

    /** mosquitto_sub output: topic, QoS, retain flag and payload of each message, one a line. */
    private static final String FORMAT = "%t %q %r %p";

    @BeforeEach
    void requireMosquittoClients() {
        MosquittoClients.assumeInstalled();
    }

    static Stream<Arguments> versionsAndQos() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (String v : List.of("mqttv31", "mqttv311", "mqttv5")) {
            for (int qos = 0; qos <= 2; qos++) {
                b.add(Arguments.of(v, qos));
            }
        }
        return b.build();
    }

    private static int port() {
        return BROKER.port();
    }

    /** Starts mosquitto_sub and waits until the node has its subscription. */
    private static Process subscribe(String version, String id, String filter, int qos, int count, String... more) {
        String[] args = Stream.concat(Stream.of("-i", id, "-t", filter, "-q", String.valueOf(qos),
                "-C", String.valueOf(count), "-F", FORMAT), Stream.of(more)).toArray(String[]::new);
        Process sub = MosquittoClients.sub(port(), version, args);
        try {
            EVENTS.awaitSubscribed(id, filter);
        } catch (RuntimeException | AssertionError e) {
            sub.destroyForcibly();
            throw e;
        }
        return sub;
    }

    @ParameterizedTest(name = "{0}, QoS {1}")
    @MethodSource("versionsAndQos")
    void publishAndSubscribe(String version, int qos) {
        String topic = Clients.topic("mosq-" + version);
        String id = Clients.id("msub");
        Process sub = subscribe(version, id, topic, qos, 3);
        for (int i = 0; i < 3; i++) {
            MosquittoClients.pub(port(), version, "-i", Clients.id("mpub"), "-t", topic, "-q", String.valueOf(qos),
                    "-m", "m" + i);
        }
        String out = MosquittoClients.finish(sub, "mosquitto_sub");
        assertThat(out.lines()).containsExactly(topic + " " + qos + " 0 m0", topic + " " + qos + " 0 m1",
                topic + " " + qos + " 0 m2");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"mqttv31", "mqttv311", "mqttv5"})
    void mosquittoPubToHiveMqAndHiveMqToMosquittoSub(String version) {
        String topic = Clients.topic("mosq-cross");
        Mqtt5BlockingClient hive = Clients.connectedV5(BROKER, Clients.id("mosq-hive"));
        try (var in = Clients.publishes(hive)) {
            hive.subscribeWith().topicFilter(topic + "/in").qos(MqttQos.EXACTLY_ONCE).send();
            MosquittoClients.pub(port(), version, "-t", topic + "/in", "-q", "2", "-m", "from mosquitto");
            Mqtt5Publish p = receive(in);
            assertThat(text(p)).isEqualTo("from mosquitto");
            assertThat(p.getQos()).isEqualTo(MqttQos.EXACTLY_ONCE);

            String id = Clients.id("msub-cross");
            Process sub = subscribe(version, id, topic + "/out", 2, 1);
            hive.publishWith().topic(topic + "/out").qos(MqttQos.EXACTLY_ONCE).payload(bytes("from hivemq")).send();
            assertThat(MosquittoClients.finish(sub, "mosquitto_sub").lines())
                    .containsExactly(topic + "/out 2 0 from hivemq");
        } finally {
            hive.disconnect();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"mqttv31", "mqttv311", "mqttv5"})
    void retainedSetReplacedAndCleared(String version) {
        String topic = Clients.topic("mosq-retain");
        MosquittoClients.pub(port(), version, "-t", topic, "-q", "1", "-r", "-m", "first");
        MosquittoClients.pub(port(), version, "-t", topic, "-q", "1", "-r", "-m", "second");

        Process late = MosquittoClients.sub(port(), version, "-t", topic, "-q", "1", "-C", "1", "-F", FORMAT);
        assertThat(MosquittoClients.finish(late, "mosquitto_sub").lines())
                .containsExactly(topic + " 1 1 second");

        MosquittoClients.pub(port(), version, "-t", topic, "-q", "1", "-r", "-n");
        String id = Clients.id("msub-cleared");
        Process after = subscribe(version, id, topic, 1, 1);
        MosquittoClients.pub(port(), version, "-t", topic, "-q", "1", "-m", "marker");
        assertThat(MosquittoClients.finish(after, "mosquitto_sub").lines())
                .as("the empty retained message cleared the topic").containsExactly(topic + " 1 0 marker");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"mqttv31", "mqttv311", "mqttv5"})
    void countStopsAfterNMessages(String version) {
        String base = Clients.topic("mosq-count");
        String id = Clients.id("msub-count");
        Process sub = subscribe(version, id, base + "/#", 1, 4);
        Mqtt5BlockingClient hive = Clients.connectedV5(BROKER, Clients.id("mosq-count-pub"));
        try {
            for (int i = 0; i < 6; i++) {
                hive.publishWith().topic(base + "/" + i).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("c" + i)).send();
            }
        } finally {
            hive.disconnect();
        }
        List<String> lines = MosquittoClients.finish(sub, "mosquitto_sub").lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines).containsExactly(base + "/0 1 0 c0", base + "/1 1 0 c1", base + "/2 1 0 c2",
                base + "/3 1 0 c3");
    }
}
