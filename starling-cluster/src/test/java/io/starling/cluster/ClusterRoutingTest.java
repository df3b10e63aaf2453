package io.starling.cluster;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.starling.broker.bootstrap.Starling;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Three nodes in one JVM, real MQTT clients on each: routes, forwarding, shared groups, retained, departures. */
class ClusterRoutingTest {
    private final LocalCluster cluster = new LocalCluster();

    @AfterEach
    void tearDown() {
        cluster.close();
    }

    private Mqtt5BlockingClient client(Starling node, String id) {
        return cluster.client(node, id);
    }

    private static void awaitMembers(int n, Starling... nodes) {
        LocalCluster.awaitMembers(n, nodes);
    }

    /** Waits until {@code node} holds a row of {@code from} for each of {@code rows}. */
    private static void awaitRows(Starling node, String from, int rows) {
        await().atMost(Duration.ofSeconds(10)).until(() -> LocalCluster.cluster(node).remoteRows()
                .getOrDefault(from, 0) == rows);
    }

    @Test
    void aMessagePublishedOnOneNodeReachesSubscribersOnTheOthersOnce() throws Exception {
        Starling a = cluster.start("a@test");
        Starling b = cluster.start("b@test");
        Starling c = cluster.start("c@test");
        awaitMembers(3, a, b, c);

        Mqtt5BlockingClient subscriber = client(a, "sub-a");
        subscriber.subscribeWith().topicFilter("sensors/+/temp").qos(MqttQos.AT_LEAST_ONCE).send();
        subscriber.subscribeWith().topicFilter("sensors/#").qos(MqttQos.AT_LEAST_ONCE).send();
        awaitRows(b, "a@test", 2);
        awaitRows(c, "a@test", 2);

        try (Mqtt5BlockingClient.Mqtt5Publishes received = subscriber.publishes(
                com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL)) {
            client(b, "pub-b").publishWith().topic("sensors/1/temp").qos(MqttQos.AT_LEAST_ONCE)
                    .payload("from b".getBytes(StandardCharsets.UTF_8)).send();
            client(c, "pub-c").publishWith().topic("sensors/2/temp").qos(MqttQos.AT_LEAST_ONCE)
                    .payload("from c".getBytes(StandardCharsets.UTF_8)).send();
            List<String> payloads = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Optional<Mqtt5Publish> p = received.receive(10, SECONDS);
                assertThat(p).as("message %d", i).isPresent();
                payloads.add(new String(p.get().getPayloadAsBytes(), StandardCharsets.UTF_8));
            }
            assertThat(payloads).containsExactlyInAnyOrder("from b", "from c");
            // Two matching filters on a, one copy forwarded and one delivered.
            assertThat(received.receive(300, java.util.concurrent.TimeUnit.MILLISECONDS)).isEmpty();
        }
        assertThat(LocalCluster.cluster(b).peerStats().get("a@test").forwarded()).isEqualTo(1);
    }

    @Test
    void pahoClientsOnMqtt311PublishAndSubscribeAcrossNodes() throws Exception {
        Starling a = cluster.start("a@test");
        Starling b = cluster.start("b@test");
        awaitMembers(2, a, b);
        org.eclipse.paho.client.mqttv3.MqttClient subscriber = new org.eclipse.paho.client.mqttv3.MqttClient(
                "tcp://127.0.0.1:" + a.port(), "paho-sub", new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
        org.eclipse.paho.client.mqttv3.MqttClient publisher = new org.eclipse.paho.client.mqttv3.MqttClient(
                "tcp://127.0.0.1:" + b.port(), "paho-pub", new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
        java.util.concurrent.BlockingQueue<String> got = new java.util.concurrent.LinkedBlockingQueue<>();
        try {
            subscriber.connect();
            subscriber.subscribe("paho/+", 2, (topic, m) -> got.add(topic + "=" + new String(m.getPayload(),
                    StandardCharsets.UTF_8) + "@" + m.getQos()));
            awaitRows(b, "a@test", 1);
            publisher.connect();
            publisher.publish("paho/q2", "exactly once".getBytes(StandardCharsets.UTF_8), 2, false);
            assertThat(got.poll(10, SECONDS)).isEqualTo("paho/q2=exactly once@2");
            assertThat(got.poll(300, java.util.concurrent.TimeUnit.MILLISECONDS)).isNull();
        } finally {
            if (publisher.isConnected()) {
                publisher.disconnect();
            }
            if (subscriber.isConnected()) {
                subscriber.disconnect();
            }
            publisher.close();
            subscriber.close();
        }
    }

    @Test
    void aSharedSubscriptionSpanningNodesGivesEachMessageToOneMember() throws Exception {
        Starling a = cluster.start("a@test");
        Starling b = cluster.start("b@test");
        Starling c = cluster.start("c@test");
        awaitMembers(3, a, b, c);
        Map<String, AtomicInteger> got = new ConcurrentHashMap<>();
        for (Starling node : List.of(a, b)) {
            String id = "worker-" + LocalCluster.cluster(node).memberNames().indexOf(node.config().nodeName())
                    + node.config().nodeName();
            Mqtt5Client async = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(node.port())
                    .build();
            async.toBlocking().connect();
            cluster.disconnectOnClose(async.toBlocking());
            got.put(id, new AtomicInteger());
            async.toAsync().subscribeWith().topicFilter("$share/workers/jobs/#").qos(MqttQos.AT_LEAST_ONCE)
                    .callback(p -> got.get(id).incrementAndGet()).send().get();
        }
        awaitRows(c, "a@test", 1);
        awaitRows(c, "b@test", 1);
        Mqtt5BlockingClient publisher = client(c, "pub-c");
        for (int i = 0; i < 100; i++) {
            publisher.publishWith().topic("jobs/" + i).qos(MqttQos.AT_LEAST_ONCE).payload(new byte[] {1}).send();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> got.values().stream().mapToInt(AtomicInteger::get)
                .sum() >= 100);
        assertThat(got.values()).allSatisfy(n -> assertThat(n.get()).isPositive());
        // Once each, never twice.
        assertThat(got.values().stream().mapToInt(AtomicInteger::get).sum()).isEqualTo(100);
    }

    @Test
    void retainedMessagesAreTheSameOnEveryNodeAndANodeThatJoinsLaterCatchesUp() throws Exception {
        Starling a = cluster.start("a@test");
        Starling b = cluster.start("b@test");
        awaitMembers(2, a, b);
        client(a, "pub-a").publishWith().topic("config/x").retain(true).qos(MqttQos.AT_LEAST_ONCE)
                .payload("v1".getBytes(StandardCharsets.UTF_8)).send();
        client(b, "pub-b").publishWith().topic("config/y").retain(true).qos(MqttQos.AT_LEAST_ONCE)
                .payload("y".getBytes(StandardCharsets.UTF_8)).send();
        await().atMost(Duration.ofSeconds(10)).until(() -> b.services().retained().entry("config/x").isPresent()
                && a.services().retained().entry("config/y").isPresent());
        // The later write wins wherever it was made.
        client(b, "pub-b2").publishWith().topic("config/x").retain(true).qos(MqttQos.AT_LEAST_ONCE)
                .payload("v2".getBytes(StandardCharsets.UTF_8)).send();
        client(a, "pub-a2").publishWith().topic("config/y").retain(true).qos(MqttQos.AT_LEAST_ONCE)
                .payload(new byte[0]).send();

        Starling c = cluster.start("c@test");
        awaitMembers(3, a, b, c);
        for (Starling node : List.of(a, b, c)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> retainedPayload(node, "config/x").equals("v2")
                    && node.services().retained().entry("config/y").isEmpty());
        }
        Mqtt5BlockingClient late = client(c, "late");
        try (Mqtt5BlockingClient.Mqtt5Publishes received = late.publishes(
                com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL)) {
            late.subscribeWith().topicFilter("config/#").send();
            Optional<Mqtt5Publish> p = received.receive(10, SECONDS);
            assertThat(p).isPresent();
            assertThat(new String(p.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("v2");
            assertThat(received.receive(300, java.util.concurrent.TimeUnit.MILLISECONDS)).isEmpty();
        }
    }

    private static String retainedPayload(Starling node, String topic) {
        // On RocksDB the index holds stubs: the payload is loaded from the storage.
        return node.services().retained().entry(topic)
                .map(m -> node.services().retained().load(List.of(m)).toCompletableFuture().join())
                .filter(l -> !l.isEmpty())
                .map(l -> new String(l.get(0).payload(), StandardCharsets.UTF_8)).orElse("");
    }

    @Test
    void aNodeThatStopsHasItsRowsRemovedEverywhere() {
        Starling a = cluster.start("a@test");
        Starling b = cluster.start("b@test");
        awaitMembers(2, a, b);
        client(b, "sub-b").subscribeWith().topicFilter("t/1").send();
        awaitRows(a, "b@test", 1);
        cluster.stop(b);
        await().atMost(Duration.ofSeconds(5)).until(() -> !LocalCluster.cluster(a).remoteRows()
                .containsKey("b@test"));
        assertThat(a.services().router().subscriptionCount()).isZero();
        assertThat(a.cluster().members()).anySatisfy(m -> {
            assertThat(m.name()).isEqualTo("b@test");
            assertThat(m.state()).isEqualTo("stopped");
        });
    }

    @Test
    void aNodeWithAnotherCookieCannotJoin() {
        Starling a = cluster.start("a@test");
        String seed = LocalCluster.cluster(a).controlAddress();
        assertThatThrownBy(() -> cluster.startWith("intruder@test", "cluster.static.seeds = [\"" + seed + "\"]\n"
                + "cluster.cookie = \"not-the-cluster-cookie-at-all\"\n"))
                .hasMessageContaining("cookie");
        assertThat(LocalCluster.cluster(a).memberNames()).containsExactly("a@test");
    }

    @Test
    void aSecondNodeWithANameTakenInTheClusterIsRefused() {
        Starling a = cluster.start("a@test");
        assertThatThrownBy(() -> cluster.start("a@test"))
                .hasMessageContaining("a node named a@test is already a member");
        await().atMost(Duration.ofSeconds(10)).until(() -> LocalCluster.cluster(a).memberNames().size() == 1);
    }
}
