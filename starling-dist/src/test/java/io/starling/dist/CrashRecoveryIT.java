package io.starling.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.lifecycle.Mqtt5ClientConnectedContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The packaged node killed with SIGKILL at a random moment under QoS 1 and QoS 2 load, restarted, again and
 * again: every message acknowledged to its publisher reaches the persistent subscribers, the QoS 2 subscriber
 * sees none twice, and the sessions and the retained message are there after every restart.
 */
class CrashRecoveryIT {
    private static final int ROUNDS = 8;
    private static final int MAX_OUTSTANDING = 200;

    @TempDir
    Path dir;

    /** A persistent subscriber that follows the node to its new port after every restart. */
    private static final class Subscriber {
        final Map<String, Integer> received = new ConcurrentHashMap<>();
        final AtomicInteger sessionsLost = new AtomicInteger();
        final Mqtt5AsyncClient client;
        final AtomicBoolean connectedOnce = new AtomicBoolean();

        Subscriber(String id, AtomicInteger port, AtomicBoolean running) {
            client = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(port.get())
                    .addConnectedListener(ctx -> {
                        boolean present = ((Mqtt5ClientConnectedContext) ctx).getConnAck().isSessionPresent();
                        if (connectedOnce.getAndSet(true) && !present) {
                            sessionsLost.incrementAndGet();
                        }
                    })
                    .addDisconnectedListener(ctx -> {
                        if (running.get()) {
                            ctx.getReconnector().reconnect(true).delay(100, TimeUnit.MILLISECONDS)
                                    .transportConfig().serverHost("127.0.0.1").serverPort(port.get())
                                    .applyTransportConfig();
                        }
                    })
                    .buildAsync();
            client.publishes(MqttGlobalPublishFilter.ALL,
                    p -> received.merge(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8), 1, Integer::sum));
        }

        void connect(String filter, MqttQos qos) {
            client.connectWith().cleanStart(false).sessionExpiryInterval(3600).send().join();
            client.subscribeWith().topicFilter(filter).qos(qos).send().join();
        }
    }

    private static List<String> missing(Set<String> acked, Map<String, Integer> received) {
        List<String> missing = new ArrayList<>();
        for (String id : acked) {
            if (!received.containsKey(id)) {
                missing.add(id);
            }
        }
        return missing.size() > 50 ? missing.subList(0, 50) : missing;
    }

    @ParameterizedTest(name = "storage.sync = {0}")
    @ValueSource(strings = {"always", "interval"})
    void nothingAcknowledgedIsLostAcrossKills(String sync) throws Exception {
        // The queue bound is not the subject: a subscriber still reconnecting after a restart must not have the
        // newest messages refused because 1,000 (the default) already wait for it.
        Map<String, String> env = Map.of("STARLING_STORAGE__SYNC", sync,
                "STARLING_MQTT__MAX_QUEUED_MESSAGES", "10000000");
        Random random = new Random();
        Set<String> ackedQos1 = ConcurrentHashMap.newKeySet();
        Set<String> ackedQos2 = ConcurrentHashMap.newKeySet();
        AtomicBoolean running = new AtomicBoolean(true);
        try (NodeProcess node = NodeProcess.in(dir, env).start()) {
            AtomicInteger port = new AtomicInteger(node.port());
            Subscriber qos1 = new Subscriber("crash-sub-1", port, running);
            Subscriber qos2 = new Subscriber("crash-sub-2", port, running);
            qos1.connect("crash/q1", MqttQos.AT_LEAST_ONCE);
            qos2.connect("crash/q2", MqttQos.EXACTLY_ONCE);
            publishRetained(port.get());

            List<String> rounds = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                Publisher pub = new Publisher("crash-pub-" + round, port.get(), round, ackedQos1, ackedQos2);
                Thread load = new Thread(pub::run, "load-" + round);
                load.start();
                long killAfter = 300 + random.nextInt(900);
                Thread.sleep(killAfter); // the subject is a kill at a random moment, not a wait for the node
                node.kill();
                pub.stop();
                load.join(TimeUnit.SECONDS.toMillis(30));
                rounds.add("round " + round + ": killed after " + killAfter + " ms, " + pub.sent.get() + " sent, "
                        + pub.acked.get() + " acknowledged");
                node.start();
                port.set(node.port());
            }
            System.out.println("storage.sync = " + sync + "\n  " + String.join("\n  ", rounds));

            // Set differences by hand: AssertJ's containsAll compares element by element, too slow for 200,000.
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(missing(ackedQos1, qos1.received)).as("acknowledged QoS 1 messages never received").isEmpty();
                assertThat(missing(ackedQos2, qos2.received)).as("acknowledged QoS 2 messages never received").isEmpty();
            });
            Map<String, Integer> twice = new HashMap<>();
            qos2.received.forEach((id, n) -> {
                if (n > 1) {
                    twice.put(id, n);
                }
            });
            assertThat(twice).as("QoS 2 messages delivered more than once").isEmpty();
            assertThat(qos1.sessionsLost.get() + qos2.sessionsLost.get()).as("reconnects without session").isZero();
            assertThat(retainedIsThere(port.get())).isTrue();
            assertThat(ackedQos1).as("the load reached the node").hasSizeGreaterThan(ROUNDS * 10);
            assertThat(ackedQos2).hasSizeGreaterThan(ROUNDS * 10);
            running.set(false);
            qos1.client.disconnect();
            qos2.client.disconnect();
            node.stop();
        }
    }

    /** Publishes QoS 1 and QoS 2 messages flat out until stopped, recording those acknowledged. */
    private static final class Publisher {
        final Mqtt5AsyncClient client;
        final int round;
        final Set<String> ackedQos1;
        final Set<String> ackedQos2;
        final AtomicInteger sent = new AtomicInteger();
        final AtomicInteger acked = new AtomicInteger();
        final Semaphore outstanding = new Semaphore(MAX_OUTSTANDING);
        volatile boolean stopped;

        Publisher(String id, int port, int round, Set<String> ackedQos1, Set<String> ackedQos2) {
            this.client = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(port).buildAsync();
            this.round = round;
            this.ackedQos1 = ackedQos1;
            this.ackedQos2 = ackedQos2;
            client.connectWith().cleanStart(true).send().join();
        }

        void run() {
            List<CompletableFuture<?>> all = new ArrayList<>();
            for (int n = 0; !stopped; n++) {
                try {
                    if (!outstanding.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                        continue;
                    }
                } catch (InterruptedException e) {
                    return;
                }
                boolean two = n % 2 == 1;
                String id = "r" + round + "-" + (two ? "q2" : "q1") + "-" + n;
                sent.incrementAndGet();
                all.add(client.publishWith().topic(two ? "crash/q2" : "crash/q1")
                        .qos(two ? MqttQos.EXACTLY_ONCE : MqttQos.AT_LEAST_ONCE)
                        .payload(id.getBytes(StandardCharsets.UTF_8)).send()
                        .whenComplete((result, failure) -> {
                            outstanding.release();
                            if (failure == null && result.getError().isEmpty()) {
                                (two ? ackedQos2 : ackedQos1).add(id);
                                acked.incrementAndGet();
                            }
                        }));
            }
            try {
                CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).get(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                // failed or unanswered publishes were never acknowledged: nothing is owed for them
            }
        }

        void stop() {
            stopped = true;
        }
    }

    private static void publishRetained(int port) {
        Mqtt5AsyncClient c = Mqtt5Client.builder().identifier("crash-retain").serverHost("127.0.0.1")
                .serverPort(port).buildAsync();
        c.connect().join();
        c.publishWith().topic("crash/retained").retain(true).qos(MqttQos.AT_LEAST_ONCE)
                .payload("kept".getBytes(StandardCharsets.UTF_8)).send().join();
        c.disconnect().join();
    }

    private static boolean retainedIsThere(int port) {
        Mqtt5AsyncClient c = Mqtt5Client.builder().identifier("crash-retain-check").serverHost("127.0.0.1")
                .serverPort(port).buildAsync();
        CompletableFuture<Boolean> got = new CompletableFuture<>();
        c.publishes(MqttGlobalPublishFilter.ALL, p -> got.complete(p.isRetain()
                && "kept".equals(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8))));
        c.connect().join();
        c.subscribeWith().topicFilter("crash/retained").qos(MqttQos.AT_LEAST_ONCE).send().join();
        try {
            return got.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            return false;
        } finally {
            c.disconnect().join();
        }
    }
}
