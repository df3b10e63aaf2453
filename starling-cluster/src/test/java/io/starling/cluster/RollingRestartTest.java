package io.starling.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.lifecycle.MqttDisconnectSource;
import com.hivemq.client.mqtt.mqtt5.lifecycle.Mqtt5ClientConnectedContext;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.starling.broker.bootstrap.Starling;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A rolling restart of three nodes, one at a time, each stopped gracefully and started again on its data, while a
 * publisher sends QoS 1 messages without pause to a persistent subscriber: every message the publisher had
 * acknowledged reaches the subscriber. Both clients, HiveMQ clients, reconnect to a running node when theirs goes,
 * as clients behind a load balancer do; the session the stopping node held waits for its client on another node.
 */
class RollingRestartTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int WINDOW = 20;

    private final LocalCluster cluster = new LocalCluster();
    /** The nodes clients may connect to: a node leaves this list before it stops. */
    private final List<Starling> running = new CopyOnWriteArrayList<>();
    private final AtomicInteger next = new AtomicInteger();
    /** Connections made; the first two are the clients' first, without a session. */
    private final AtomicInteger reconnects = new AtomicInteger();
    /** Reconnections that found no session: the session a stopping node held was lost. */
    private final AtomicInteger sessionsLost = new AtomicInteger();

    @AfterEach
    void tearDown() {
        cluster.close();
    }

    @Test
    void aRollingRestartLosesNoAcknowledgedMessageOfAPersistentSession() throws Exception {
        for (String name : List.of("a@test", "b@test", "c@test")) {
            running.add(cluster.start(name));
        }
        LocalCluster.awaitMembers(3, running.toArray(Starling[]::new));

        Set<Integer> received = ConcurrentHashMap.newKeySet();
        Mqtt5AsyncClient subscriber = roaming("rolling-sub", running.get(0), p -> received.add(
                Integer.parseInt(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8))));
        subscriber.connectWith().cleanStart(false).sessionExpiryInterval(3600).send().join();
        subscriber.subscribeWith().topicFilter("rolling/#").qos(MqttQos.AT_LEAST_ONCE).send().join();
        Mqtt5AsyncClient publisher = roaming("rolling-pub", running.get(1), p -> { });
        publisher.connectWith().cleanStart(false).sessionExpiryInterval(3600).send().join();
        await().atMost(WAIT).until(() -> running.stream().skip(1).allMatch(
                n -> LocalCluster.cluster(n).remoteRows().getOrDefault("a@test", 0) == 1));

        Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicBoolean publishing = new AtomicBoolean(true);
        Thread sender = new Thread(() -> publishUntilStopped(publisher, publishing, acknowledged), "rolling-publisher");
        sender.start();
        try {
            for (int i = 0; i < 3; i++) {
                int before = acknowledged.size();
                await().atMost(WAIT).until(() -> acknowledged.size() >= before + 500);
                Starling stopping = running.remove(0);
                Starling back = cluster.restart(stopping);
                running.add(back);
                LocalCluster.awaitMembers(3, running.toArray(Starling[]::new));
            }
            int before = acknowledged.size();
            await().atMost(WAIT).until(() -> acknowledged.size() >= before + 500);
        } finally {
            publishing.set(false);
            sender.join(WAIT.toMillis());
        }
        try {
            await().atMost(WAIT).until(() -> received.containsAll(acknowledged));
        } catch (ConditionTimeoutException e) {
            // reported below, with what is missing
        }
        Set<Integer> missing = new TreeSet<>(acknowledged);
        missing.removeAll(received);
        System.out.printf("rolling restart of 3 nodes: %d QoS 1 messages acknowledged, %d received, %d missing%n",
                acknowledged.size(), received.size(), missing.size());
        assertThat(missing).as("acknowledged, never received").isEmpty();
        assertThat(sessionsLost.get()).isZero();
    }

    /** Sends QoS 1 messages numbered from 0, {@link #WINDOW} at a time, recording those the node acknowledged. */
    private static void publishUntilStopped(Mqtt5AsyncClient publisher, AtomicBoolean publishing,
            Set<Integer> acknowledged) {
        Semaphore window = new Semaphore(WINDOW);
        for (int n = 0; publishing.get(); n++) {
            try {
                if (!window.tryAcquire(1, TimeUnit.SECONDS)) {
                    continue;
                }
            } catch (InterruptedException e) {
                return;
            }
            int number = n;
            publisher.publishWith().topic("rolling/" + (n % 8)).qos(MqttQos.AT_LEAST_ONCE)
                    .payload(String.valueOf(n).getBytes(StandardCharsets.UTF_8)).send()
                    .whenComplete((result, failure) -> {
                        if (failure == null && result.getError().isEmpty()) {
                            acknowledged.add(number);
                        }
                        window.release();
                    });
        }
    }

    /**
     * A client of {@code first} that, when its node closes the connection, reconnects to another running node
     * (its session, persistent, follows it there).
     */
    private Mqtt5AsyncClient roaming(String id, Starling first, Consumer<Mqtt5Publish> onMessage) {
        Mqtt5AsyncClient client = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1")
                .serverPort(first.port()).addDisconnectedListener(this::toAnotherNode)
                .addConnectedListener(context -> {
                    if (context instanceof Mqtt5ClientConnectedContext c && reconnects.getAndIncrement() >= 2
                            && !c.getConnAck().isSessionPresent()) {
                        sessionsLost.incrementAndGet();
                    }
                }).buildAsync();
        client.publishes(MqttGlobalPublishFilter.ALL, onMessage);
        cluster.disconnectOnClose(client.toBlocking());
        return client;
    }

    private void toAnotherNode(MqttClientDisconnectedContext context) {
        if (context.getSource() == MqttDisconnectSource.USER) {
            return;
        }
        int port = context.getClientConfig().getServerAddress().getPort();
        List<Starling> others = running.stream().filter(n -> n.port() != port).toList();
        if (others.isEmpty()) {
            return;
        }
        Starling to = others.get(Math.floorMod(next.getAndIncrement(), others.size()));
        context.getReconnector().reconnect(true).delay(20, TimeUnit.MILLISECONDS)
                .transportConfig().serverHost("127.0.0.1").serverPort(to.port()).applyTransportConfig();
    }
}
