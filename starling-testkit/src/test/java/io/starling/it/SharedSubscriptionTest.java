package io.starling.it;

import static io.starling.it.Clients.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.starling.testkit.StarlingExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Shared subscriptions {@code $share/group/filter} and {@code $queue/filter}: each message goes to exactly one
 * member of a group, the load is split between members, and every group and plain subscriber gets its own copy.
 * Completeness is proved without waiting: after the messages, markers are published until every member has seen
 * one, so any duplicate would already have arrived before them.
 */
class SharedSubscriptionTest {

    @RegisterExtension
    static final StarlingExtension BROKER = StarlingExtension.create();

    private static final int MESSAGES = 20;

    private final List<Mqtt5BlockingClient> v5Clients = new ArrayList<>();
    private final List<Mqtt3BlockingClient> v3Clients = new ArrayList<>();
    private Mqtt5BlockingClient publisher;

    /** What one client received, payloads in order. */
    static final class Inbox {
        final String name;
        final Queue<String> payloads = new ConcurrentLinkedQueue<>();

        Inbox(String name) {
            this.name = name;
        }

        List<String> messages() {
            return payloads.stream().filter(p -> !p.startsWith("marker")).toList();
        }

        boolean sawMarker() {
            return payloads.stream().anyMatch(p -> p.startsWith("marker"));
        }

        @Override
        public String toString() {
            return name + payloads;
        }
    }

    @BeforeEach
    void connectPublisher() {
        publisher = Clients.connectedV5(BROKER, Clients.id("share-pub"));
    }

    @AfterEach
    void disconnect() {
        v5Clients.forEach(Clients::closeQuietly);
        v3Clients.forEach(Clients::closeQuietly);
        Clients.closeQuietly(publisher);
    }

    private Inbox v5Member(String filter) {
        String id = Clients.id("member5");
        Mqtt5BlockingClient c = Clients.connectedV5(BROKER, id);
        v5Clients.add(c);
        Inbox inbox = new Inbox(id);
        c.toAsync().publishes(MqttGlobalPublishFilter.ALL,
                p -> inbox.payloads.add(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)));
        c.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send();
        return inbox;
    }

    private Inbox v3Member(String filter) {
        String id = Clients.id("member3");
        Mqtt3BlockingClient c = Clients.connectedV3(BROKER, id);
        v3Clients.add(c);
        Inbox inbox = new Inbox(id);
        c.toAsync().publishes(MqttGlobalPublishFilter.ALL,
                p -> inbox.payloads.add(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)));
        c.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send();
        return inbox;
    }

    private void publishAll(String topic) {
        for (int i = 0; i < MESSAGES; i++) {
            publisher.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("m" + i)).send();
        }
    }

    /** Publishes markers until every inbox saw one: everything published before has then arrived. */
    private void flush(String topic, Inbox... inboxes) {
        int[] n = {0};
        await().atMost(Clients.TIMEOUT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).until(() -> {
            if (IntStream.range(0, inboxes.length).allMatch(i -> inboxes[i].sawMarker())) {
                return true;
            }
            publisher.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("marker" + n[0]++))
                    .send();
            return false;
        });
    }

    private static List<String> expectedInOrder() {
        return IntStream.range(0, MESSAGES).mapToObj(i -> "m" + i).toList();
    }

    private static Set<String> expected() {
        return new HashSet<>(expectedInOrder());
    }

    /** Every message exactly once across the members, and each member got some. */
    private static void assertSplit(Inbox... members) {
        List<String> union = new ArrayList<>();
        for (Inbox m : members) {
            union.addAll(m.messages());
            assertThat(m.messages()).as("member %s takes part of the load", m.name).isNotEmpty();
        }
        assertThat(union).as("each message to exactly one member").hasSize(MESSAGES);
        assertThat(new HashSet<>(union)).isEqualTo(expected());
    }

    @Test
    void shareGroupSplitsMessagesBetweenMembers() {
        String topic = Clients.topic("share");
        Inbox a = v5Member("$share/g/" + topic);
        Inbox b = v5Member("$share/g/" + topic);
        Inbox plain = v5Member(topic);

        publishAll(topic);
        flush(topic, a, b, plain);

        assertSplit(a, b);
        assertThat(plain.messages()).as("a plain subscriber gets every message")
                .containsExactlyElementsOf(expectedInOrder());
    }

    @Test
    void everyGroupGetsItsOwnCopy() {
        String topic = Clients.topic("groups");
        Inbox g1a = v5Member("$share/g1/" + topic);
        Inbox g1b = v5Member("$share/g1/" + topic);
        Inbox g2 = v5Member("$share/g2/" + topic);

        publishAll(topic);
        flush(topic, g1a, g1b, g2);

        assertSplit(g1a, g1b);
        assertThat(g2.messages()).as("a group with one member gets every message")
                .containsExactlyElementsOf(expectedInOrder());
    }

    @Test
    void shareGroupWithWildcardFilterAndMqtt311Member() {
        String base = Clients.topic("sharewild");
        Inbox a = v5Member("$share/w/" + base + "/+");
        Inbox b = v3Member("$share/w/" + base + "/+");

        publishAll(base + "/x");
        flush(base + "/x", a, b);

        assertSplit(a, b);
    }

    @Test
    void queueSplitsMessagesBetweenMembers() {
        String topic = Clients.topic("queue");
        Inbox a = v5Member("$queue/" + topic);
        Inbox b = v3Member("$queue/" + topic);

        publishAll(topic);
        flush(topic, a, b);

        assertSplit(a, b);
    }

    @Test
    void remainingMemberGetsEverythingAfterTheOtherLeaves() {
        String topic = Clients.topic("leave");
        Inbox a = v5Member("$share/g/" + topic);
        v5Member("$share/g/" + topic);
        Mqtt5BlockingClient leaving = v5Clients.get(v5Clients.size() - 1);
        leaving.unsubscribeWith().topicFilter("$share/g/" + topic).send();

        publishAll(topic);
        flush(topic, a);

        assertThat(a.messages()).containsExactlyElementsOf(expectedInOrder());
    }
}
