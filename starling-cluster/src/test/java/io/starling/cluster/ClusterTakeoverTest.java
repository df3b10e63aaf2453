package io.starling.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.starling.broker.bootstrap.Starling;
import io.starling.broker.session.Session;
import io.starling.codec.MqttProperties;
import io.starling.codec.MqttVersion;
import io.starling.codec.PacketType;
import io.starling.codec.ReasonCode;
import io.starling.codec.packet.AckPacket;
import io.starling.codec.packet.ConnAckPacket;
import io.starling.codec.packet.ConnectPacket;
import io.starling.codec.packet.DisconnectPacket;
import io.starling.codec.packet.MqttPacket;
import io.starling.codec.packet.PublishPacket;
import io.starling.codec.packet.SubAckPacket;
import io.starling.codec.packet.SubscribePacket;
import io.starling.codec.packet.TopicSubscription;
import io.starling.testkit.RawClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One session per client id across three nodes in one JVM, with real clients: a persistent session follows its
 * client to the node it reconnects to with its queue and in-flight messages, the old connection is told 0x8E,
 * wills go out as a takeover on one node would send them, and racing CONNECTs of one id on several nodes end with
 * one session and one connection.
 */
class ClusterTakeoverTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int QUEUED = 1_000;

    private final LocalCluster cluster = new LocalCluster();

    /** Clients still connected are closed with their nodes. */
    @AfterEach
    void tearDown() {
        cluster.close();
    }

    private Starling[] nodes(int n) {
        Starling[] nodes = new Starling[n];
        for (int i = 0; i < n; i++) {
            nodes[i] = cluster.start((char) ('a' + i) + "@test");
        }
        await().atMost(WAIT).until(() -> {
            for (Starling node : nodes) {
                if (LocalCluster.cluster(node).memberNames().size() != n) {
                    return false;
                }
            }
            return true;
        });
        return nodes;
    }

    private static Mqtt5BlockingClient client(Starling node, String id) {
        Mqtt5BlockingClient c = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(node.port())
                .buildBlocking();
        c.connect();
        return c;
    }

    private static String name(Starling node) {
        return node.config().nodeName();
    }

    /** Waits until {@code node} knows {@code rows} route rows of {@code from}. */
    private static void awaitRows(Starling node, Starling from, int rows) {
        await().atMost(WAIT).until(() -> LocalCluster.cluster(node).remoteRows().getOrDefault(name(from), 0) == rows);
    }

    private static Session session(Starling node, String clientId) {
        return node.services().sessions().get(clientId);
    }

    /** A persistent-session client that records what it receives (payloads as text), connected to {@code node}. */
    private record Device(Mqtt5AsyncClient client, ConcurrentLinkedQueue<String> received, Mqtt5ConnAck connAck,
            long connAckNanos) {
    }

    private static Device device(Starling node, String id) {
        Mqtt5AsyncClient client = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1")
                .serverPort(node.port()).buildAsync();
        ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();
        client.publishes(MqttGlobalPublishFilter.ALL,
                p -> received.add(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)));
        long start = System.nanoTime();
        Mqtt5ConnAck ack = client.connectWith().cleanStart(false).sessionExpiryInterval(600).send().join();
        return new Device(client, received, ack, System.nanoTime() - start);
    }

    private static void publish(Mqtt5AsyncClient publisher, String topic, int count) {
        List<CompletableFuture<?>> sent = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            sent.add(publisher.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE)
                    .payload(String.valueOf(i).getBytes(StandardCharsets.UTF_8)).send());
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
    }

    /**
     * Figure 5 of the design: a persistent session subscribed on one node, offline while 1,000 QoS 1 messages are
     * published to it on the other, reconnects there: CONNACK says session present, every message arrives once and
     * in order, and the subscription keeps working on both nodes. Round after round between the two nodes, timed
     * from CONNECT to CONNACK.
     */
    @Test
    void aPersistentSessionFollowsItsClientToAnotherNodeWithEveryQueuedMessage() {
        Starling[] nodes = nodes(2);
        int rounds = Integer.getInteger("takeover.rounds", 6);
        Mqtt5AsyncClient[] publishers = new Mqtt5AsyncClient[2];
        for (int i = 0; i < 2; i++) {
            publishers[i] = client(nodes[i], "publisher-" + i).toAsync();
        }
        Device device = device(nodes[0], "device-1");
        assertThat(device.connAck().isSessionPresent()).isFalse();
        device.client().subscribeWith().topicFilter("devices/1/#").qos(MqttQos.AT_LEAST_ONCE).send().join();
        List<Long> millis = new ArrayList<>();
        int holder = 0;
        for (int round = 0; round < rounds; round++) {
            int other = 1 - holder;
            device.client().disconnect().join();
            Session offline = session(nodes[holder], "device-1");
            await().atMost(WAIT).until(() -> !offline.isOnline());
            awaitRows(nodes[other], nodes[holder], 1);
            publish(publishers[other], "devices/1/state", QUEUED);
            int r = round;
            await().atMost(WAIT).untilAsserted(() -> assertThat(offline.queuedCount()).as("round %d: queued", r)
                    .isEqualTo(QUEUED));

            device = device(nodes[other], "device-1");
            millis.add(TimeUnit.NANOSECONDS.toMillis(device.connAckNanos()));
            assertThat(device.connAck().isSessionPresent()).as("round %d", round).isTrue();
            ConcurrentLinkedQueue<String> received = device.received();
            await().atMost(WAIT).until(() -> received.size() >= QUEUED);
            assertThat(received).as("round %d: all, once, in order", round)
                    .containsExactlyElementsOf(IntStream.range(0, QUEUED).mapToObj(String::valueOf).toList());
            assertThat(session(nodes[holder], "device-1")).as("no session left on the old node").isNull();
            Session moved = session(nodes[other], "device-1");
            assertThat(moved.subscriptions()).containsOnlyKeys("devices/1/#");
            // Acknowledged before it disconnects again: nothing in flight to come back as a DUP re-send.
            await().atMost(WAIT).until(() -> moved.inflightCount() == 0);
            received.clear();
            holder = other;
        }

        // New messages from either node reach it, once.
        int other = 1 - holder;
        awaitRows(nodes[other], nodes[holder], 1);
        publishers[holder].publishWith().topic("devices/1/new").qos(MqttQos.AT_LEAST_ONCE)
                .payload("here".getBytes(StandardCharsets.UTF_8)).send().join();
        publishers[other].publishWith().topic("devices/1/new").qos(MqttQos.AT_LEAST_ONCE)
                .payload("there".getBytes(StandardCharsets.UTF_8)).send().join();
        ConcurrentLinkedQueue<String> received = device.received();
        await().atMost(WAIT).until(() -> received.size() >= 2);
        await().pollDelay(Duration.ofMillis(300)).until(() -> true);
        assertThat(received).containsExactlyInAnyOrder("here", "there");
        device.client().disconnect().join();

        List<Long> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        System.out.printf("takeover with %d queued, CONNECT to CONNACK over %d rounds: p50 %d ms, p99 %d ms;"
                + " by round %s%n", QUEUED, rounds, sorted.get(sorted.size() / 2),
                sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1), millis);
    }

    /**
     * A node stopped without handing its sessions over ({@code cluster.hand_over_on_stop = false}, as after a crash)
     * and started again on its data brings back the persistent sessions it stored, with their queues and routes:
     * messages published meanwhile on another node queue behind the stored ones, and the client that reconnects to
     * the other node takes the session over from it with all of them, in order.
     */
    @Test
    void aNodeThatComesBackWithItsDataHandsOverTheSessionsItStored() {
        Starling a = cluster.start("a@test");
        Starling[] nodes = {a, cluster.start("b@test", "cluster.hand_over_on_stop = false\n")};
        LocalCluster.awaitMembers(2, nodes);
        Device device = device(nodes[1], "device-2");
        device.client().subscribeWith().topicFilter("devices/2/#").qos(MqttQos.AT_LEAST_ONCE).send().join();
        device.client().disconnect().join();
        Session before = session(nodes[1], "device-2");
        await().atMost(WAIT).until(() -> !before.isOnline());
        awaitRows(a, nodes[1], 1);
        Mqtt5AsyncClient publisher = client(a, "publisher-a").toAsync();
        publish(publisher, "devices/2/state", 100);
        await().atMost(WAIT).until(() -> before.queuedCount() == 100);

        Starling b = cluster.restart(nodes[1]);
        await().atMost(WAIT).until(() -> LocalCluster.cluster(a).memberNames().size() == 2
                && LocalCluster.cluster(b).memberNames().size() == 2);
        Session restored = session(b, "device-2");
        assertThat(restored.queuedCount()).isEqualTo(100);
        awaitRows(a, b, 1);
        List<CompletableFuture<?>> more = new ArrayList<>();
        for (int i = 100; i < 200; i++) {
            more.add(publisher.publishWith().topic("devices/2/state").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(String.valueOf(i).getBytes(StandardCharsets.UTF_8)).send());
        }
        CompletableFuture.allOf(more.toArray(CompletableFuture[]::new)).join();
        await().atMost(WAIT).until(() -> restored.queuedCount() == 200);

        Device back = device(a, "device-2");
        assertThat(back.connAck().isSessionPresent()).isTrue();
        await().atMost(WAIT).until(() -> back.received().size() >= 200);
        assertThat(back.received()).containsExactlyElementsOf(
                IntStream.range(0, 200).mapToObj(String::valueOf).toList());
        assertThat(session(b, "device-2")).isNull();
        back.client().disconnect().join();
    }

    /**
     * A connected client on one node, the same client id connecting on another: the old connection gets DISCONNECT
     * 0x8E, the new one the session with its subscriptions, and the message in flight to the old one again under
     * the same packet id with DUP set.
     */
    @Test
    void aConnectionOnAnotherNodeTakesTheSessionOverWithWhatWasInFlight() {
        Starling[] nodes = nodes(2);
        Starling a = nodes[0];
        Starling b = nodes[1];
        RawClient old = connectRaw(a, "meter-7", false);
        old.send(new SubscribePacket(1, List.of(TopicSubscription.of("meters/7/#", 1)), MqttProperties.NONE));
        old.receive(SubAckPacket.class);
        awaitRows(b, a, 1);
        Mqtt5BlockingClient publisher = client(b, "publisher-b");
        publisher.publishWith().topic("meters/7/reading").qos(MqttQos.AT_LEAST_ONCE)
                .payload("42".getBytes(StandardCharsets.UTF_8)).send();
        PublishPacket first = old.receive(PublishPacket.class);
        assertThat(first.dup()).isFalse();
        // Not acknowledged: in flight when the client shows up on b.

        RawClient moved = RawClient.open(b.port(), MqttVersion.MQTT_5);
        moved.send(new ConnectPacket(MqttVersion.MQTT_5, "meter-7", false, 60, null, null, null,
                MqttProperties.builder().sessionExpiryInterval(600L).build()));
        assertThat(moved.receive(ConnAckPacket.class).sessionPresent()).isTrue();
        List<MqttPacket> last = old.awaitClosed();
        assertThat(last).isNotEmpty();
        assertThat(last.get(last.size() - 1)).isInstanceOfSatisfying(DisconnectPacket.class,
                d -> assertThat(d.reasonCode()).isEqualTo(ReasonCode.SESSION_TAKEN_OVER));
        PublishPacket again = moved.receive(PublishPacket.class);
        assertThat(again.dup()).isTrue();
        assertThat(again.packetId()).isEqualTo(first.packetId());
        assertThat(new String(again.payload(), StandardCharsets.UTF_8)).isEqualTo("42");
        moved.send(AckPacket.of(PacketType.PUBACK, again.packetId()));

        assertThat(session(a, "meter-7")).isNull();
        assertThat(session(b, "meter-7").subscriptions()).containsOnlyKeys("meters/7/#");
        // The subscription went with it: a publish on a reaches the client on b.
        awaitRows(a, b, 1);
        client(a, "publisher-a").publishWith().topic("meters/7/reading").qos(MqttQos.AT_LEAST_ONCE)
                .payload("43".getBytes(StandardCharsets.UTF_8)).send();
        PublishPacket next = moved.receive(PublishPacket.class);
        assertThat(new String(next.payload(), StandardCharsets.UTF_8)).isEqualTo("43");
        assertThat(next.dup()).isFalse();
        moved.send(AckPacket.of(PacketType.PUBACK, next.packetId()));
        moved.send(DisconnectPacket.NORMAL);
        moved.close();
        old.close();
    }

    private static RawClient connectRaw(Starling node, String id, boolean cleanStart) {
        RawClient client = RawClient.open(node.port(), MqttVersion.MQTT_5);
        client.send(new ConnectPacket(MqttVersion.MQTT_5, id, cleanStart, 60, null, null, null,
                MqttProperties.builder().sessionExpiryInterval(600L).build()));
        assertThat(client.receive(ConnAckPacket.class).reasonCode()).isEqualTo(ReasonCode.SUCCESS);
        return client;
    }

    /** One racing CONNECT: where it went and its connection. */
    private record Attempt(String clientId, Starling node, RawClient client) {
    }

    /**
     * CONNECTs of the same client ids on three nodes at once, round after round, half of them resuming the session
     * and half starting clean: each round ends with exactly one node holding a session for each id and exactly one
     * live connection; every other one was told 0x8E.
     */
    @Test
    void racingConnectsOfOneClientIdOnThreeNodesEndWithOneSession() throws Exception {
        Starling[] nodes = nodes(3);
        int ids = 10;
        long budgetNanos = TimeUnit.SECONDS.toNanos(Integer.getInteger("takeover.race.seconds", 12));
        int maxConnects = 10_000;
        List<String> clientIds = IntStream.range(0, ids).mapToObj(i -> "racer-" + i).toList();
        List<Attempt> winners = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(ids * nodes.length);
        long start = System.nanoTime();
        int connects = 0;
        int rounds = 0;
        try {
            while (connects < maxConnects && System.nanoTime() - start < budgetNanos) {
                boolean cleanStart = rounds % 2 == 1;
                List<Future<Attempt>> started = new ArrayList<>();
                for (String id : clientIds) {
                    for (Starling node : nodes) {
                        started.add(pool.submit(() -> {
                            RawClient client = RawClient.open(node.port(), MqttVersion.MQTT_5);
                            client.send(new ConnectPacket(MqttVersion.MQTT_5, id, cleanStart, 60, null, null, null,
                                    MqttProperties.builder().sessionExpiryInterval(60L).build()));
                            return new Attempt(id, node, client);
                        }));
                    }
                }
                List<Attempt> attempts = new ArrayList<>(winners);
                for (Future<Attempt> f : started) {
                    Attempt attempt = f.get();
                    assertThat(attempt.client().receive(ConnAckPacket.class, WAIT).reasonCode())
                            .isEqualTo(ReasonCode.SUCCESS);
                    attempts.add(attempt);
                    connects++;
                }
                winners.clear();
                for (String id : clientIds) {
                    await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5)).atMost(WAIT)
                            .until(() -> holders(nodes, id).size() == 1
                            && livePort(holders(nodes, id).get(0), id) > 0);
                    Starling holder = holders(nodes, id).get(0);
                    int live = livePort(holder, id);
                    for (Attempt a : attempts) {
                        if (!a.clientId().equals(id)) {
                            continue;
                        }
                        if (a.node() == holder && a.client().localPort() == live) {
                            winners.add(a);
                            continue;
                        }
                        List<MqttPacket> last = a.client().awaitClosed();
                        assertThat(last).as("a connection of %s that lost the race", id).isNotEmpty();
                        assertThat(last.get(last.size() - 1)).isInstanceOfSatisfying(DisconnectPacket.class,
                                d -> assertThat(d.reasonCode()).isEqualTo(ReasonCode.SESSION_TAKEN_OVER));
                        a.client().close();
                    }
                }
                assertThat(winners).as("round %d: one live connection per id", rounds).hasSize(ids);
                for (String id : clientIds) {
                    assertThat(holders(nodes, id)).as("round %d: one session of %s", rounds, id).hasSize(1);
                }
                rounds++;
            }
        } finally {
            pool.shutdownNow();
            winners.forEach(w -> w.client().close());
        }
        System.out.printf("racing connects: %d connects of %d client ids on 3 nodes in %d rounds, %d ms;"
                + " one session and one connection per id after every round%n", connects, ids, rounds,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        assertThat(rounds).isPositive();
    }

    private static List<Starling> holders(Starling[] nodes, String id) {
        List<Starling> holders = new ArrayList<>();
        for (Starling node : nodes) {
            if (session(node, id) != null) {
                holders.add(node);
            }
        }
        return holders;
    }

    /** The client port of the connection attached to the id's session on {@code node}, or 0. */
    private static int livePort(Starling node, String id) {
        Session s = session(node, id);
        return s == null || s.connection() == null ? 0 : s.connection().client().remoteAddress().getPort();
    }

    /**
     * The will of a connection taken over from another node goes out exactly when a takeover on its own node would
     * send it: a will without delay is due at once (clean start or not), one waiting out its delay is not sent
     * because the client came back in time.
     */
    @Test
    void aWillFollowsTheSameRulesAsATakeoverOnOneNode() throws InterruptedException {
        Starling[] nodes = nodes(3);
        Starling watcherNode = nodes[2];
        Mqtt5BlockingClient watcher = client(watcherNode, "will-watcher");
        watcher.subscribeWith().topicFilter("wills/#").qos(MqttQos.AT_LEAST_ONCE).send();
        awaitRows(nodes[0], watcherNode, 1);
        awaitRows(nodes[1], watcherNode, 1);
        int n = 0;
        try (Mqtt5BlockingClient.Mqtt5Publishes wills = watcher.publishes(MqttGlobalPublishFilter.ALL)) {
            for (long delay : new long[] {0, 60}) {
                for (boolean cleanStart : new boolean[] {true, false}) {
                    boolean expected = delay == 0;
                    for (boolean acrossNodes : new boolean[] {false, true}) {
                        String id = "willing-" + n++;
                        String topic = "wills/" + id;
                        Mqtt5BlockingClient old = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1")
                                .serverPort(nodes[0].port()).buildBlocking();
                        old.connectWith().cleanStart(true).sessionExpiryInterval(600).willPublish().topic(topic)
                                .payload("gone".getBytes(StandardCharsets.UTF_8)).delayInterval(delay)
                                .applyWillPublish().send();
                        Starling target = acrossNodes ? nodes[1] : nodes[0];
                        Mqtt5BlockingClient next = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1")
                                .serverPort(target.port()).buildBlocking();
                        next.connectWith().cleanStart(cleanStart).sessionExpiryInterval(600).send();
                        await().atMost(WAIT).until(() -> !old.getState().isConnected());
                        Optional<Mqtt5Publish> will = wills.receive(expected ? 10_000 : 500, TimeUnit.MILLISECONDS);
                        assertThat(will.map(p -> p.getTopic().toString()))
                                .as("will delay %d s, clean start %s, %s", delay, cleanStart,
                                        acrossNodes ? "across nodes" : "on one node")
                                .isEqualTo(expected ? Optional.of(topic) : Optional.empty());
                    }
                }
            }
        }
    }
}
