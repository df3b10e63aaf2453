package io.starling.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.starling.broker.bootstrap.Starling;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * CLUSTER.md figure 4: QoS 1 from one publisher on one node to one subscriber on another, none lost, none out of
 * order, every PUBACK after the other node confirmed. The count is {@code starling.cluster.messages} (20,000 here;
 * docs/benchmarks.md has the 1,000,000 run).
 */
class CrossNodeOrderingTest {
    private static final int MESSAGES = Integer.getInteger("starling.cluster.messages", 20_000);
    private final LocalCluster cluster = new LocalCluster();
    private final List<Mqtt5AsyncClient> clients = new ArrayList<>();

    @AfterEach
    void tearDown() {
        clients.forEach(c -> c.disconnect());
        cluster.close();
    }

    @Test
    void qos1FromOneNodeToAnotherArrivesCompleteAndInOrder() throws Exception {
        String storage = "storage.type = " + System.getProperty("starling.cluster.storage", "memory") + "\n";
        Starling a = cluster.start("a@test", storage);
        Starling b = cluster.start("b@test", storage);
        await().atMost(Duration.ofSeconds(20)).until(() -> LocalCluster.cluster(b).memberNames().size() == 2);

        AtomicLong expected = new AtomicLong();
        AtomicInteger outOfOrder = new AtomicInteger();
        AtomicInteger duplicates = new AtomicInteger();
        Mqtt5AsyncClient subscriber = Mqtt5Client.builder().identifier("sub").serverHost("127.0.0.1")
                .serverPort(Boolean.getBoolean("starling.cluster.sameNode") ? b.port() : a.port()).buildAsync();
        subscriber.connectWith().cleanStart(true).send().get();
        clients.add(subscriber);
        subscriber.subscribeWith().topicFilter("order/#").qos(MqttQos.AT_LEAST_ONCE).callback(p -> {
            long n = ByteBuffer.wrap(p.getPayloadAsBytes()).getLong();
            long want = expected.get();
            if (n == want) {
                expected.incrementAndGet();
            } else if (n < want) {
                duplicates.incrementAndGet();
            } else {
                outOfOrder.incrementAndGet();
                expected.set(n + 1);
            }
        }).send().get();
        await().atMost(Duration.ofSeconds(10)).until(() -> Boolean.getBoolean("starling.cluster.sameNode")
                || LocalCluster.cluster(b).remoteRows().getOrDefault("a@test", 0) == 1);

        Mqtt5AsyncClient publisher = Mqtt5Client.builder().identifier("pub").serverHost("127.0.0.1")
                .serverPort(b.port()).buildAsync();
        publisher.connect().get();
        clients.add(publisher);
        Semaphore window = new Semaphore(500);
        AtomicInteger refused = new AtomicInteger();
        long started = System.nanoTime();
        CompletableFuture<?> last = null;
        for (long i = 0; i < MESSAGES; i++) {
            window.acquire();
            last = publisher.publishWith().topic("order/one").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(ByteBuffer.allocate(8).putLong(0, i)).send().whenComplete((r, e) -> {
                        if (e != null || r.getError().isPresent()) {
                            refused.incrementAndGet();
                        }
                        window.release();
                    });
        }
        last.get();
        await().atMost(Duration.ofSeconds(60)).until(() -> expected.get() >= MESSAGES || outOfOrder.get() > 0);
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("cross-node QoS 1: %d messages in %.1f s (%.0f msg/s), out of order %d, duplicates %d,"
                + " refused %d, unconfirmed %d%n", MESSAGES, seconds, MESSAGES / seconds, outOfOrder.get(),
                duplicates.get(), refused.get(), LocalCluster.cluster(b).peerStats().getOrDefault("a@test",
                        new io.starling.cluster.data.PeerStats()).unconfirmed());
        assertThat(outOfOrder.get()).isZero();
        assertThat(refused.get()).isZero();
        assertThat(expected.get()).isEqualTo(MESSAGES);
        assertThat(duplicates.get()).isZero();
    }
}
