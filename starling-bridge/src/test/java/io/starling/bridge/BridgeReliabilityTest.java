package io.starling.bridge;

import static io.starling.bridge.Nodes.bridge;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import io.starling.bridge.Clients.Got;
import io.starling.broker.bootstrap.Starling;
import io.starling.broker.bridge.BridgeView;
import io.starling.broker.session.Session;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a bridge guarantees when its remote goes away: QoS 1 messages wait in the node's storage (not on the heap),
 * bounded by the bridge's queue, and reach the remote in order once it is back.
 */
class BridgeReliabilityTest {
    private final Nodes nodes = new Nodes();
    private Mosquitto mosquitto;

    @AfterEach
    void stop() throws Exception {
        nodes.close();
        if (mosquitto != null && System.getProperty("bridge.debug") != null) {
            String log = mosquitto.log();
            System.err.println(log.substring(Math.max(0, log.length() - 6000)));
        }
        if (mosquitto != null) {
            mosquitto.close();
        }
    }

    private static BridgeView.Status status(Starling node) {
        return node.bridges().list().get(0);
    }

    /** Publishes {@code count} QoS 1 messages numbered from {@code from}, waiting for every PUBACK. */
    private static void publishNumbered(Mqtt5AsyncClient c, String topic, int from, int count) {
        List<CompletableFuture<?>> acks = new ArrayList<>(count);
        for (int i = from; i < from + count; i++) {
            acks.add(c.publishWith().topic(topic).payload(Integer.toString(i).getBytes(StandardCharsets.UTF_8))
                    .qos(MqttQos.AT_LEAST_ONCE).send());
        }
        CompletableFuture.allOf(acks.toArray(new CompletableFuture<?>[0])).join();
    }

    /** The numbers received, each once, in the order first received. */
    private static List<Integer> firstArrivals(List<Got> got) {
        LinkedHashSet<Integer> seen = new LinkedHashSet<>();
        for (Got g : got) {
            seen.add(Integer.parseInt(g.payload()));
        }
        return new ArrayList<>(seen);
    }

    private static List<Integer> range(int from, int count) {
        List<Integer> all = new ArrayList<>(count);
        for (int i = from; i < from + count; i++) {
            all.add(i);
        }
        return all;
    }

    @Test
    void theRemoteRestartsMidStreamAndNoQos1MessageIsLostOrReordered() throws Exception {
        mosquitto = Mosquitto.start("");
        List<Got> atRemote = Clients.persistentSubscriber(mosquitto.port(), "persistent-sub", "remote/seq");
        Starling node = nodes.start(bridge("m", mosquitto.port(), "5", "", "seq out 1 \"\" remote/"));
        await().atMost(Duration.ofSeconds(10)).until(() -> status(node).state().equals("connected"));
        Mqtt5AsyncClient local = Clients.connect(node.port());

        publishNumbered(local, "seq", 0, 2000);
        mosquitto.stop();
        publishNumbered(local, "seq", 2000, 1000);
        mosquitto.start();
        publishNumbered(local, "seq", 3000, 2000);

        await().atMost(Duration.ofSeconds(30)).until(() -> firstArrivals(atRemote).size() == 5000);
        assertThat(firstArrivals(atRemote)).isEqualTo(range(0, 5000));
        assertThat(status(node).reconnects()).isGreaterThanOrEqualTo(1);
        assertThat(status(node).dropped()).isZero();
    }

    @Test
    void aHundredThousandMessagesWaitInTheStorageWhileTheRemoteIsDownThenAllArrive() throws Exception {
        mosquitto = Mosquitto.start("");
        List<Got> atRemote = Clients.persistentSubscriber(mosquitto.port(), "bulk-sub", "remote/bulk");
        mosquitto.stop();
        Starling node = nodes.start(bridge("m", mosquitto.port(), "5", "", "bulk out 1 \"\" remote/"));
        Mqtt5AsyncClient local = Clients.connect(node.port());

        int total = 100_000;
        for (int i = 0; i < total; i += 10_000) {
            publishNumbered(local, "bulk", i, 10_000);
        }
        Session session = node.services().sessions().get("bridge:m");
        assertThat(session.queuedCount()).isEqualTo(total);
        // The queue is in the storage: the heap holds a sequence number per message, no message.
        assertThat(session.queuedOnHeap()).isZero();
        assertThat(status(node).state()).isNotEqualTo("connected");

        mosquitto.start();
        await().atMost(Duration.ofSeconds(120)).until(() -> firstArrivals(atRemote).size() == total);
        assertThat(firstArrivals(atRemote)).isEqualTo(range(0, total));
        await().atMost(Duration.ofSeconds(10)).until(() -> status(node).queued() == 0);
        assertThat(status(node).forwarded()).isEqualTo(total);
        assertThat(status(node).dropped()).isZero();
    }

    @Test
    void pastItsQueueBoundTheBridgeDropsTheOldestAndCountsThem() throws Exception {
        mosquitto = Mosquitto.start("");
        List<Got> atRemote = Clients.persistentSubscriber(mosquitto.port(), "bounded-sub", "remote/b");
        mosquitto.stop();
        Starling node = nodes.start(bridge("m", mosquitto.port(), "5", "queue { max_messages = 1000 }",
                "b out 1 \"\" remote/"));
        Mqtt5AsyncClient local = Clients.connect(node.port());

        publishNumbered(local, "b", 0, 5000);
        await().atMost(Duration.ofSeconds(10)).until(() -> status(node).dropped() == 4000);
        assertThat(status(node).queued()).isEqualTo(1000);

        mosquitto.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> firstArrivals(atRemote).size() == 1000);
        assertThat(firstArrivals(atRemote)).isEqualTo(range(4000, 1000));
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                .until(() -> firstArrivals(atRemote).size() == 1000);
    }

    @Test
    void pastItsByteBoundTheBridgeDropsTheOldestAndCountsThem() throws Exception {
        mosquitto = Mosquitto.start("");
        List<Got> atRemote = Clients.persistentSubscriber(mosquitto.port(), "bytes-sub", "remote/kb");
        mosquitto.stop();
        Starling node = nodes.start(bridge("m", mosquitto.port(), "5", "queue { max_bytes = 100KiB }",
                "kb out 1 \"\" remote/"));
        Mqtt5AsyncClient local = Clients.connect(node.port());

        // 1 KiB payloads: the byte bound (100 of them), not the count bound (1,000,000), is what holds.
        List<CompletableFuture<?>> acks = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            byte[] payload = java.util.Arrays.copyOf(Integer.toString(i).getBytes(StandardCharsets.UTF_8), 1024);
            acks.add(local.publishWith().topic("kb").payload(payload).qos(MqttQos.AT_LEAST_ONCE).send());
        }
        CompletableFuture.allOf(acks.toArray(new CompletableFuture<?>[0])).join();
        await().atMost(Duration.ofSeconds(10)).until(() -> status(node).dropped() == 400);
        assertThat(status(node).queued()).isEqualTo(100);
        assertThat(node.services().sessions().get("bridge:m").queuedBytes()).isEqualTo(100 * 1024L);

        mosquitto.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> atRemote.size() >= 100);
        List<Integer> numbers = new ArrayList<>();
        for (Got g : atRemote) {
            numbers.add(Integer.parseInt(g.payload().trim()));
        }
        assertThat(new ArrayList<>(new LinkedHashSet<>(numbers))).isEqualTo(range(400, 100));
    }
}
