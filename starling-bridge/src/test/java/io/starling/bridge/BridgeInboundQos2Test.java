package io.starling.bridge;

import static io.starling.bridge.Nodes.bridge;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.starling.api.auth.Authorizer;
import io.starling.api.auth.Authorizer.Decision;
import io.starling.broker.bootstrap.Starling;
import io.starling.codec.MqttProperties;
import io.starling.codec.PacketType;
import io.starling.codec.packet.AckPacket;
import io.starling.codec.packet.PublishPacket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A QoS 2 message from the remote that the remote sends again after a reconnect, while the node is still taking
 * the first copy (its authorization pending), is published once, and its one PUBREC goes on the new connection.
 */
class BridgeInboundQos2Test {
    private final Nodes nodes = new Nodes();
    private RawRemote raw;

    @AfterEach
    void stop() {
        nodes.close();
        if (raw != null) {
            raw.close();
        }
    }

    @Test
    void aQos2MessageSentAgainWhileTheFirstCopyIsAtTheGateIsPublishedOnce() throws Exception {
        raw = new RawRemote(MqttProperties.NONE);
        raw.keepSessions();
        CompletableFuture<Decision> held = new CompletableFuture<>();
        AtomicInteger checks = new AtomicInteger();
        Authorizer holdsTheFirst = (client, action, topic) -> action == Authorizer.Action.PUBLISH
                && topic.equals("dup/x") && checks.getAndIncrement() == 0 ? held
                        : CompletableFuture.completedFuture(Decision.ALLOW);
        Starling node = nodes.start(bridge("d", raw.port(), "5", "notifications_local_only = true", "dup/# in 2"),
                holdsTheFirst);
        await().atMost(Duration.ofSeconds(10)).until(() -> connected(node) && !raw.all(PacketType.SUBSCRIBE).isEmpty());
        List<Clients.Got> got = Clients.subscribe(node.port(), "dup/#", 2);

        byte[] payload = "once".getBytes(StandardCharsets.UTF_8);
        raw.send(new PublishPacket(7, "dup/x", payload, 2, false, false, MqttProperties.NONE));
        await().atMost(Duration.ofSeconds(10)).until(() -> checks.get() == 1);
        raw.dropConnection();
        await().atMost(Duration.ofSeconds(10)).until(() -> raw.all(PacketType.CONNECT).size() == 2 && connected(node));
        raw.send(new PublishPacket(7, "dup/x", payload, 2, false, true, MqttProperties.NONE));

        held.complete(Decision.ALLOW);
        await().atMost(Duration.ofSeconds(10)).until(() -> !raw.all(PacketType.PUBREC).isEmpty() && got.size() == 1);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> got.size() == 1
                && raw.all(PacketType.PUBREC).size() == 1);
        RawRemote.Received pubrec = raw.all(PacketType.PUBREC).get(0);
        assertThat(((AckPacket) pubrec.packet()).packetId()).isEqualTo(7);
        assertThat(pubrec.connection()).as("answered on the connection the remote waits on").isEqualTo(2);
        assertThat(checks.get()).as("the copy sent again was not published").isEqualTo(1);
    }

    /**
     * The node restarts between its PUBREC and the remote's PUBREL: the packet id awaiting release was stored with the
     * bridge's session, so the remote's DUP resend on the next connection is answered and not published again.
     */
    @Test
    void aQos2MessageSentAgainAfterTheNodeRestartedIsNotPublishedTwice() throws Exception {
        raw = new RawRemote(MqttProperties.NONE);
        raw.keepSessions();
        Starling node = nodes.start(bridge("r", raw.port(), "5", "notifications_local_only = true", "dup/# in 2"));
        await().atMost(Duration.ofSeconds(10)).until(() -> connected(node) && !raw.all(PacketType.SUBSCRIBE).isEmpty());
        Mqtt5BlockingClient watch = Mqtt5Client.builder().identifier("watch").serverHost("127.0.0.1")
                .serverPort(node.port()).buildBlocking();
        watch.connectWith().cleanStart(true).sessionExpiryInterval(3600).send();
        watch.subscribeWith().topicFilter("dup/#").qos(MqttQos.EXACTLY_ONCE).send();
        watch.disconnect();

        byte[] payload = "once".getBytes(StandardCharsets.UTF_8);
        raw.send(new PublishPacket(9, "dup/x", payload, 2, false, false, MqttProperties.NONE));
        await().atMost(Duration.ofSeconds(10)).until(() -> raw.all(PacketType.PUBREC).size() == 1);
        Starling again = nodes.restart(node);
        await().atMost(Duration.ofSeconds(10)).until(() -> raw.all(PacketType.CONNECT).size() == 2 && connected(again));
        raw.send(new PublishPacket(9, "dup/x", payload, 2, false, true, MqttProperties.NONE));
        raw.send(new PublishPacket(10, "dup/x", "after".getBytes(StandardCharsets.UTF_8), 2, false, false,
                MqttProperties.NONE));
        await().atMost(Duration.ofSeconds(10)).until(() -> raw.all(PacketType.PUBREC).size() == 3);
        assertThat(raw.all(PacketType.PUBREC).get(1).connection()).isEqualTo(2);

        try (Mqtt5BlockingClient.Mqtt5Publishes in = watch.publishes(MqttGlobalPublishFilter.ALL)) {
            watch.connectWith().cleanStart(false).sessionExpiryInterval(3600).send();
            List<String> got = new ArrayList<>();
            for (Optional<Mqtt5Publish> p = in.receive(2, TimeUnit.SECONDS); p.isPresent();
                    p = in.receive(500, TimeUnit.MILLISECONDS)) {
                got.add(new String(p.get().getPayloadAsBytes(), StandardCharsets.UTF_8));
            }
            assertThat(got).containsExactly("once", "after");
        }
        watch.disconnect();
    }

    private static boolean connected(Starling node) {
        return node.bridges().list().get(0).state().equals("connected");
    }
}
