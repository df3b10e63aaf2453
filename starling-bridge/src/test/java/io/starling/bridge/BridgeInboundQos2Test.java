package io.starling.bridge;

import static io.starling.bridge.Nodes.bridge;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.starling.api.auth.Authorizer;
import io.starling.api.auth.Authorizer.Decision;
import io.starling.broker.bootstrap.Starling;
import io.starling.codec.MqttProperties;
import io.starling.codec.PacketType;
import io.starling.codec.packet.AckPacket;
import io.starling.codec.packet.PublishPacket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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

    private static boolean connected(Starling node) {
        return node.bridges().list().get(0).state().equals("connected");
    }
}
