package io.starling.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.starling.broker.bootstrap.Starling;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * CLUSTER.md figure 1: how long after its SUBACK on one node a subscription's row is in the other nodes' routers,
 * with subscriptions made as fast as the clients go. Prints the percentiles (docs/benchmarks.md); asserts only
 * that every row arrives.
 */
class RouteConvergenceTest {
    private static final int CLIENTS = 100;
    private static final int FILTERS_PER_CLIENT = Integer.getInteger("starling.cluster.filters", 50);
    private final LocalCluster cluster = new LocalCluster();
    private final List<Mqtt5AsyncClient> clients = new ArrayList<>();

    @AfterEach
    void tearDown() {
        clients.forEach(Mqtt5AsyncClient::disconnect);
        cluster.close();
    }

    @Test
    void everySubscriptionReachesTheOtherNodesRoutes() throws Exception {
        Starling a = cluster.start("a@test", "storage.type = memory\n");
        Starling b = cluster.start("b@test", "storage.type = memory\n");
        Starling c = cluster.start("c@test", "storage.type = memory\n");
        LocalCluster.awaitMembers(3, a, b, c);
        for (int i = 0; i < CLIENTS; i++) {
            Mqtt5AsyncClient client = Mqtt5Client.builder().identifier("s" + i).serverHost("127.0.0.1")
                    .serverPort(a.port()).buildAsync();
            client.connect().get();
            clients.add(client);
        }
        int total = CLIENTS * FILTERS_PER_CLIENT;
        AtomicLongArray subacked = new AtomicLongArray(total);
        long[] seen = new long[total];
        ClusterNode onB = LocalCluster.cluster(b);
        Thread poller = new Thread(() -> {
            int left = total;
            while (left > 0 && !Thread.currentThread().isInterrupted()) {
                for (int i = 0; i < total; i++) {
                    if (seen[i] == 0 && onB.hasRow("a@test", "conv/" + i)) {
                        seen[i] = System.nanoTime();
                        left--;
                    }
                }
            }
        }, "convergence-poller");
        poller.start();
        long started = System.nanoTime();
        List<CompletableFuture<?>> acks = new ArrayList<>();
        for (int f = 0; f < FILTERS_PER_CLIENT; f++) {
            for (int i = 0; i < CLIENTS; i++) {
                int n = f * CLIENTS + i;
                acks.add(clients.get(i).subscribeWith().topicFilter("conv/" + n).qos(MqttQos.AT_MOST_ONCE).send()
                        .thenRun(() -> subacked.set(n, System.nanoTime())));
            }
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get();
        double subscribeSeconds = (System.nanoTime() - started) / 1e9;
        poller.join(Duration.ofSeconds(20).toMillis());
        poller.interrupt();
        await().atMost(Duration.ofSeconds(10)).until(() -> LocalCluster.cluster(c).remoteRows()
                .getOrDefault("a@test", 0) == total);
        long[] micros = new long[total];
        for (int i = 0; i < total; i++) {
            assertThat(seen[i]).as("row of conv/%d on b", i).isPositive();
            micros[i] = Math.max(0, (seen[i] - subacked.get(i)) / 1000);
        }
        Arrays.sort(micros);
        System.out.printf("route convergence: %d subscriptions at %.0f/s; after SUBACK on a, row on b: p50 %.1f ms,"
                + " p99 %.1f ms, max %.1f ms%n", total, total / subscribeSeconds, micros[total / 2] / 1000.0,
                micros[(int) (total * 0.99)] / 1000.0, micros[total - 1] / 1000.0);
    }
}
