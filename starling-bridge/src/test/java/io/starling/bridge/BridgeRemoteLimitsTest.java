package io.starling.bridge;

import static io.starling.bridge.Nodes.bridge;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import io.starling.bridge.Clients.Got;
import io.starling.broker.bootstrap.Starling;
import io.starling.broker.bridge.BridgeView;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What an MQTT 5 remote's CONNACK limits (Maximum QoS, Retain Available, Maximum Packet Size, Server Keep Alive),
 * the bridge keeps to: past them, the remote would disconnect it (0x9B, 0x9A, 0x95, 0x8D) and the bridge would
 * reconnect for ever.
 */
class BridgeRemoteLimitsTest {
    private final Nodes nodes = new Nodes();

    @AfterEach
    void stop() {
        nodes.close();
    }

    private static BridgeView.Status status(Starling node) {
        return node.bridges().list().get(0);
    }

    /** A node with one bridge to {@code port}, once the bridge is connected. */
    private Starling bridgedTo(int port, String more, String... rules) {
        Starling node = nodes.start(bridge("b", port, "5", more, rules));
        await().atMost(Duration.ofSeconds(10)).until(() -> status(node).state().equals("connected"));
        return node;
    }

    private static void publishAll(Mqtt5AsyncClient c, String topic, int count, int qos) {
        List<CompletableFuture<?>> acks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            acks.add(c.publishWith().topic(topic).payload(("m" + i).getBytes(StandardCharsets.UTF_8))
                    .qos(MqttQos.fromCode(qos)).send());
        }
        CompletableFuture.allOf(acks.toArray(new CompletableFuture<?>[0])).join();
    }

    /**
     * QoS 2 rules both ways to a Starling with {@code mqtt.max_qos} 1 or 0: what goes out is sent at the remote's
     * maximum and completes there (nothing stays queued or in flight), what comes in is subscribed at it; with 0,
     * the bridge's will (QoS 1) is refused once (0x9B) and sent at QoS 0 from then on.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 0})
    void aQos2RuleIsSentAtTheRemotesMaximumQos(int maxQos) {
        Starling remote = nodes.start("mqtt.max_qos = " + maxQos + "\n");
        Starling node = bridgedTo(remote.port(), "client_id = edge", "mq/out/# out 2", "mq/in/# in 2");
        List<Got> atRemote = Clients.subscribe(remote.port(), "mq/out/#", 2);
        List<Got> atLocal = Clients.subscribe(node.port(), "mq/in/#", 2);

        publishAll(Clients.connect(node.port()), "mq/out/x", 50, 2);
        Clients.publish(Clients.connect(remote.port()), "mq/in/x", "down", maxQos, false);

        await().atMost(Duration.ofSeconds(10)).until(() -> atRemote.size() == 50 && status(node).forwarded() == 50);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(atLocal)
                .containsExactly(new Got("mq/in/x", "down", false)));
        assertThat(atRemote).doesNotHaveDuplicates();
        assertThat(status(node).queued()).isZero();
        assertThat(status(node).reconnects()).isZero();
        assertThat(remote.services().sessions().get("edge").subscriptions().get("mq/in/#").qos()).isEqualTo(maxQos);
    }

    /**
     * A Starling without retained messages: the bridge's retained will is refused once (0x9A) and sent without the
     * flag from then on; a retained message crosses with the flag cleared.
     */
    @Test
    void aRemoteWithoutRetainedMessagesGetsTheFlagCleared() {
        Starling remote = nodes.start("mqtt.retain_available = false\n");
        Starling node = bridgedTo(remote.port(), "", "ra/# out 1");
        List<Got> atRemote = Clients.subscribe(remote.port(), "ra/#", 1);
        Clients.publish(Clients.connect(node.port()), "ra/x", "kept", 1, true);
        Clients.publish(Clients.connect(node.port()), "ra/y", "live", 1, false);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(atRemote)
                .containsExactly(new Got("ra/x", "kept", false), new Got("ra/y", "live", false)));
        assertThat(status(node).reconnects()).isZero();
    }

    /**
     * Messages larger than the remote's Maximum Packet Size are dropped and counted; the queue goes on with the
     * next, the bridge stays connected.
     */
    @Test
    void aMessageAboveTheRemotesMaximumPacketSizeIsDroppedAndTheNextGoesOn() {
        Starling remote = nodes.start("mqtt.max_packet_size = 1K\n");
        Starling node = bridgedTo(remote.port(), "", "big/# out 1");
        List<Got> atRemote = Clients.subscribe(remote.port(), "big/#", 1);
        Mqtt5AsyncClient local = Clients.connect(node.port());
        String large = "x".repeat(2000);
        Clients.publish(local, "big/a", large, 1, false);
        Clients.publish(local, "big/b", large, 0, false);
        Clients.publish(local, "big/c", "small", 1, false);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(atRemote)
                .containsExactly(new Got("big/c", "small", false)));
        await().atMost(Duration.ofSeconds(10)).until(() -> status(node).dropped() == 2);
        assertThat(status(node).queued()).isZero();
        assertThat(status(node).reconnects()).isZero();
    }

    /**
     * A Starling remote with {@code mqtt.max_keepalive = 1} announces Server Keep Alive 1 to the bridge (keep-alive
     * 60 s) and disconnects a client silent for 1.5 s: the bridge keeps the connection alive.
     */
    @Test
    void aStarlingRemoteWithAShortMaximumKeepAliveKeepsTheBridgeConnected() {
        Starling remote = nodes.start("mqtt.max_keepalive = 1\n");
        Starling node = bridgedTo(remote.port(), "keepalive = 60s", "ka/# out 1");
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4))
                .until(() -> status(node).reconnects() == 0);
        List<Got> atRemote = Clients.subscribe(remote.port(), "ka/#", 1);
        Clients.publish(Clients.connect(node.port()), "ka/x", "alive", 1, false);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(atRemote)
                .containsExactly(new Got("ka/x", "alive", false)));
        assertThat(status(node).reconnects()).isZero();
    }

    /** Debian's Mosquitto with {@code max_qos 1} and {@code retain_available false}, bridged over MQTT 5. */
    @Test
    void aMosquittoRemoteWithMaximumQos1AndNoRetain() throws Exception {
        try (Mosquitto mosquitto = Mosquitto.start("max_qos 1\nretain_available false\n")) {
            Starling node = bridgedTo(mosquitto.port(), "", "mos/# out 2");
            List<Got> atRemote = Clients.subscribe(mosquitto.port(), "mos/#", 1);
            Mqtt5AsyncClient local = Clients.connect(node.port());
            publishAll(local, "mos/x", 20, 2);
            Clients.publish(local, "mos/y", "kept", 2, true);
            await().atMost(Duration.ofSeconds(10)).until(() -> atRemote.size() == 21 && status(node).forwarded() == 21);
            assertThat(atRemote.get(20)).isEqualTo(new Got("mos/y", "kept", false));
            assertThat(status(node).queued()).isZero();
            assertThat(status(node).reconnects()).isZero();
        }
    }
}
