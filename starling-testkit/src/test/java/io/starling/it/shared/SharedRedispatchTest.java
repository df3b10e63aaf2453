package io.starling.it.shared;

import static org.assertj.core.api.Assertions.assertThat;

import io.starling.broker.bootstrap.Starling;
import io.starling.codec.MqttProperties;
import io.starling.codec.MqttVersion;
import io.starling.codec.PacketType;
import io.starling.codec.packet.AckPacket;
import io.starling.codec.packet.ConnAckPacket;
import io.starling.codec.packet.ConnectPacket;
import io.starling.codec.packet.MqttPacket;
import io.starling.codec.packet.PublishPacket;
import io.starling.codec.packet.SubAckPacket;
import io.starling.codec.packet.SubscribePacket;
import io.starling.codec.packet.TopicSubscription;
import io.starling.testkit.RawClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Shared subscriptions: messages a member leaves unacknowledged go to another member; the strategies. */
class SharedRedispatchTest {

    @TempDir
    Path dataDir;

    private Starling start(String strategy) {
        return Starling.builder().config("mqtt.shared_subscription_strategy = " + strategy)
                .host("127.0.0.1").port(0).dataDir(dataDir).start();
    }

    private static RawClient member(Starling node, String clientId, long sessionExpiry) {
        RawClient c = RawClient.open(node.port(), MqttVersion.MQTT_5);
        c.send(new ConnectPacket(MqttVersion.MQTT_5, clientId, true, 60, null, null, null,
                MqttProperties.builder().sessionExpiryInterval(sessionExpiry).build()));
        c.receive(ConnAckPacket.class);
        c.send(new SubscribePacket(1, List.of(TopicSubscription.of("$share/g/jobs", 1)), MqttProperties.NONE));
        c.receive(SubAckPacket.class);
        return c;
    }

    private static void publish(Starling node, int count) {
        try (RawClient p = RawClient.connect(node.port(), MqttVersion.MQTT_5, "producer")) {
            for (int i = 1; i <= count; i++) {
                p.send(new PublishPacket(i, "jobs", ("job-" + i).getBytes(StandardCharsets.UTF_8), 1, false, false,
                        MqttProperties.NONE));
                p.receive(AckPacket.class);
            }
        }
    }

    /** Reads PUBLISHes until none comes for a while, acknowledging them when asked to. */
    private static List<String> drain(RawClient c, boolean ack) {
        List<String> payloads = new ArrayList<>();
        MqttPacket p;
        while ((p = c.poll(Duration.ofMillis(500))) != null) {
            if (p instanceof PublishPacket publish) {
                payloads.add(new String(publish.payload(), StandardCharsets.UTF_8));
                if (ack) {
                    c.send(AckPacket.of(PacketType.PUBACK, publish.packetId()));
                }
            }
        }
        return payloads;
    }

    @ParameterizedTest(name = "session expiry {0}")
    @ValueSource(longs = {0, 300})
    void unacknowledgedMessagesOfALeavingMemberGoToAnother(long sessionExpiry) {
        try (Starling node = start("round_robin");
             RawClient keeper = member(node, "keeper", 0);
             RawClient leaver = member(node, "leaver", sessionExpiry)) {
            publish(node, 6);
            List<String> heldByLeaver = drain(leaver, false);
            assertThat(heldByLeaver).as("round robin gives the leaver its share").isNotEmpty();
            leaver.close();

            List<String> got = drain(keeper, true);
            assertThat(got).containsExactlyInAnyOrder("job-1", "job-2", "job-3", "job-4", "job-5", "job-6");
        }
    }

    @Test
    void stickyKeepsOneMemberWhileItIsOnline() {
        try (Starling node = start("sticky");
             RawClient a = member(node, "a", 0);
             RawClient b = member(node, "b", 0)) {
            publish(node, 6);
            List<String> toA = drain(a, true);
            List<String> toB = drain(b, true);
            assertThat(Set.of(toA.size(), toB.size())).containsExactlyInAnyOrder(0, 6);
        }
    }

    @Test
    void hashTopicSendsOneTopicToOneMember() {
        try (Starling node = start("hash_topic");
             RawClient a = member(node, "a", 0);
             RawClient b = member(node, "b", 0)) {
            publish(node, 6);
            Set<Integer> sizes = new HashSet<>(List.of(drain(a, true).size(), drain(b, true).size()));
            assertThat(sizes).containsExactlyInAnyOrder(0, 6);
        }
    }
}
