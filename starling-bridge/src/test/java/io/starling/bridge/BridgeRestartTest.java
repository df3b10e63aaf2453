package io.starling.bridge;

import static io.starling.bridge.Nodes.bridge;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.starling.broker.bootstrap.Starling;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Restarts on either side: QoS 2 stays exactly once, and the bridge's queue outlives its node. */
class BridgeRestartTest {
    private final Nodes nodes = new Nodes();
    private Mosquitto mosquitto;
    /** Reconnects by itself: left running, it would take the session of a later run's 'qos2-sub' on a reused port. */
    private Mqtt5AsyncClient sub;

    @AfterEach
    void stop() throws Exception {
        if (sub != null) {
            sub.disconnect().exceptionally(e -> null).join();
        }
        nodes.close();
        if (mosquitto != null) {
            mosquitto.close();
        }
    }

    private static void publish(Mqtt5AsyncClient c, String topic, int from, int count, MqttQos qos) {
        List<CompletableFuture<?>> acks = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            acks.add(c.publishWith().topic(topic).payload(Integer.toString(i).getBytes(StandardCharsets.UTF_8))
                    .qos(qos).send());
        }
        CompletableFuture.allOf(acks.toArray(new CompletableFuture<?>[0])).join();
    }

    private static List<Integer> range(int count) {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            all.add(i);
        }
        return all;
    }

    @Test
    void aStarlingRemoteRestartsMidStreamAndEveryQos2MessageIsForwardedOnceAndArrivesInOrder() {
        Starling remote = nodes.start("");
        List<Integer> got = new CopyOnWriteArrayList<>();
        sub = Mqtt5Client.builder().identifier("qos2-sub").serverHost("127.0.0.1")
                .serverPort(remote.port()).automaticReconnect().initialDelay(100, TimeUnit.MILLISECONDS)
                .maxDelay(500, TimeUnit.MILLISECONDS).applyAutomaticReconnect().buildAsync();
        sub.publishes(MqttGlobalPublishFilter.ALL, p -> got.add(Integer.parseInt(
                new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8))));
        sub.connectWith().cleanStart(false).sessionExpiryInterval(3600).send().join();
        sub.subscribeWith().topicFilter("x2/#").qos(MqttQos.EXACTLY_ONCE).send().join();
        Starling node = nodes.start(bridge("s", remote.port(), "5", "", "x2/# out 2"));
        await().atMost(Duration.ofSeconds(10)).until(() -> node.bridges().list().get(0).state().equals("connected"));
        Mqtt5AsyncClient local = Clients.connect(node.port());

        publish(local, "x2/n", 0, 1000, MqttQos.EXACTLY_ONCE);
        CompletableFuture<Void> more = CompletableFuture.runAsync(
                () -> publish(local, "x2/n", 1000, 2000, MqttQos.EXACTLY_ONCE));
        nodes.restart(remote);
        more.join();

        await().atMost(Duration.ofSeconds(30)).until(() -> got.size() >= 3000
                && node.bridges().list().get(0).queued() == 0);
        // Every message once, in order: messages routed to the bridge's session while its link went down
        // (waiting in the session's inbox) once arrived after later ones.
        assertThat(got).isEqualTo(range(3000));
        assertThat(node.bridges().list().get(0).forwarded()).isEqualTo(3000);
        assertThat(node.bridges().list().get(0).reconnects()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void theBridgingNodeRestartsWhileTheRemoteIsDownAndItsQueueSurvives() throws Exception {
        mosquitto = Mosquitto.start("");
        List<Clients.Got> atRemote = Clients.persistentSubscriber(mosquitto.port(), "restart-sub", "remote/r");
        mosquitto.stop();
        Starling node = nodes.start(bridge("m", mosquitto.port(), "3.1.1", "", "r out 1 \"\" remote/"));
        publish(Clients.connect(node.port()), "r", 0, 1000, MqttQos.AT_LEAST_ONCE);
        Starling again = nodes.restart(node);
        assertThat(again.services().sessions().get("bridge:m").queuedCount()).isEqualTo(1000);

        mosquitto.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> atRemote.stream().map(Clients.Got::payload).distinct()
                .count() == 1000);
        assertThat(atRemote.stream().map(g -> Integer.parseInt(g.payload())).distinct().toList()).isEqualTo(range(1000));
    }
}
