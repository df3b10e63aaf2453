package io.starling.it.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.starling.codec.MqttProperties;
import io.starling.codec.MqttVersion;
import io.starling.codec.packet.ConnAckPacket;
import io.starling.codec.packet.ConnectPacket;
import io.starling.codec.packet.MqttPacket;
import io.starling.codec.packet.PublishPacket;
import io.starling.codec.packet.SubAckPacket;
import io.starling.codec.packet.SubscribePacket;
import io.starling.codec.packet.TopicSubscription;
import io.starling.testkit.RawClient;
import io.starling.testkit.StarlingExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A QoS 1/2 PUBLISH the node sends again, after a reconnect or after a restart of the node, carries DUP = 1
 * [MQTT-3.3.1-1], goes out before anything new, and is not sent a second time with DUP = 0 (the HiveMQ client
 * closes the connection on "DUP flag must be set for a resent PUBLISH"). The client reconnects and publishes to
 * its own subscription in the same write, as a device that comes back and reports at once does: the new
 * message reaches the session while the node still waits for the storage before it resends.
 */
class ResentPublishDupTest {
    private static final Duration QUIET = Duration.ofMillis(300);

    @RegisterExtension
    final StarlingExtension broker = StarlingExtension.create(b -> b.storageType("rocksdb"));

    @ParameterizedTest(name = "QoS {0}")
    @ValueSource(ints = {1, 2})
    void aPublishResentAfterAReconnectCarriesDup(int qos) {
        String id = "dup-reconnect-" + qos;
        PublishPacket first = firstSendLeftUnacknowledged(id, qos);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> !broker.node().services().sessions().get(id).isOnline());

        assertResentWithDupThenNew(id, qos, first);
    }

    @ParameterizedTest(name = "QoS {0}")
    @ValueSource(ints = {1, 2})
    void aPublishRestoredFromTheStorageAfterARestartCarriesDup(int qos) {
        String id = "dup-restart-" + qos;
        PublishPacket first = firstSendLeftUnacknowledged(id, qos);

        broker.restart();

        assertResentWithDupThenNew(id, qos, first);
    }

    /** Subscribes, has one message sent to the client, and leaves without acknowledging it. */
    private PublishPacket firstSendLeftUnacknowledged(String id, int qos) {
        try (RawClient sub = connect(id)) {
            sub.send(new SubscribePacket(1, List.of(TopicSubscription.of(topic(id), qos)), MqttProperties.NONE));
            sub.receive(SubAckPacket.class);
            try (RawClient pub = RawClient.connect(broker.port(), MqttVersion.MQTT_3_1_1, id + "-pub")) {
                pub.send(new PublishPacket(1, topic(id), bytes("old"), qos, false, false, MqttProperties.NONE));
                pub.receive(); // PUBACK or PUBREC: the message is routed
            }
            PublishPacket first = sub.receive(PublishPacket.class);
            assertThat(first.dup()).as("first transmission").isFalse();
            return first;
        }
    }

    private void assertResentWithDupThenNew(String id, int qos, PublishPacket first) {
        try (RawClient again = RawClient.open(broker.port(), MqttVersion.MQTT_3_1_1)) {
            again.sendTogether(connectPacket(id),
                    new PublishPacket(1, topic(id), bytes("new"), qos, false, false, MqttProperties.NONE));
            assertThat(again.receive(ConnAckPacket.class).sessionPresent()).isTrue();
            List<String> publishes = new ArrayList<>();
            for (MqttPacket p = again.receive(); p != null; p = again.poll(QUIET)) {
                if (p instanceof PublishPacket publish) {
                    publishes.add(text(publish) + " id=" + publish.packetId() + " dup=" + publish.dup());
                }
            }
            assertThat(publishes).first().isEqualTo("old id=" + first.packetId() + " dup=true");
            assertThat(publishes).hasSize(2);
            assertThat(publishes.get(1)).startsWith("new ").endsWith(" dup=false")
                    .doesNotContain("id=" + first.packetId() + " ");
        }
    }

    /** MQTT 3.1.1 with clean session 0: the session and what is in flight to it outlive the connection. */
    private RawClient connect(String clientId) {
        RawClient c = RawClient.open(broker.port(), MqttVersion.MQTT_3_1_1);
        c.send(connectPacket(clientId));
        assertThat(c.receive(ConnAckPacket.class).reasonCode()).isZero();
        return c;
    }

    private static ConnectPacket connectPacket(String clientId) {
        return new ConnectPacket(MqttVersion.MQTT_3_1_1, clientId, false, 60, null, null, null, MqttProperties.NONE);
    }

    private static String topic(String clientId) {
        return "dup/" + clientId;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(PublishPacket p) {
        return new String(p.payload(), StandardCharsets.UTF_8);
    }
}
