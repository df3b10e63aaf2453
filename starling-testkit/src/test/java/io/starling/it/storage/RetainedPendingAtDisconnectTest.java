package io.starling.it.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.starling.codec.MqttProperties;
import io.starling.codec.MqttVersion;
import io.starling.codec.PacketType;
import io.starling.codec.packet.AckPacket;
import io.starling.codec.packet.ConnAckPacket;
import io.starling.codec.packet.ConnectPacket;
import io.starling.codec.packet.DisconnectPacket;
import io.starling.codec.packet.MqttPacket;
import io.starling.codec.packet.PublishPacket;
import io.starling.codec.packet.SubAckPacket;
import io.starling.codec.packet.SubscribePacket;
import io.starling.codec.packet.TopicSubscription;
import io.starling.testkit.RawClient;
import io.starling.testkit.StarlingExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Retained QoS 1 messages matched by a persistent session's new subscription are session state until they are
 * sent (MQTT 5 §4.1: QoS 1/2 messages pending transmission): a client that leaves before it has them all gets
 * the rest when it resumes the session, on the memory storage and on RocksDB. Both the case of a client that
 * writes SUBSCRIBE and DISCONNECT in one write, and of one that leaves in the middle of a large retained set
 * (which the node sends only as fast as the client acknowledges).
 */
class RetainedPendingAtDisconnectTest {
    private static final String CLIENT = "retained-sub";

    /** The cases on one storage type. */
    abstract static class OnStorage {
        @RegisterExtension
        final StarlingExtension broker;

        OnStorage(String storageType) {
            broker = StarlingExtension.create(b -> b.storageType(storageType));
        }

        @Test
        void aRetainedMessageMatchedBySubscribeWrittenWithDisconnectArrivesOnResume() {
            subscribeAndDisconnectInOneWrite(broker);
        }

        @Test
        void aRetainedMessageMatchedBySubscribeArrivesOnResumeAfterTheSocketWasLost() {
            subscribeAndLoseTheSocket(broker);
        }

        @Test
        void theRestOfALargeRetainedSetArrivesOnResume() {
            leaveInTheMiddleOfALargeRetainedSet(broker);
        }
    }

    @Nested
    class InMemory extends OnStorage {
        InMemory() {
            super("memory");
        }
    }

    @Nested
    class OnRocksDb extends OnStorage {
        OnRocksDb() {
            super("rocksdb");
        }
    }

    private static void subscribeAndDisconnectInOneWrite(StarlingExtension broker) {
        try (RawClient pub = RawClient.connect(broker.port(), MqttVersion.MQTT_5, "retained-pub")) {
            pub.send(new PublishPacket(1, "pending/retained", bytes("kept"), 1, true, false, MqttProperties.NONE));
            assertThat(pub.receive(AckPacket.class).type()).isEqualTo(PacketType.PUBACK);
        }
        try (RawClient sub = RawClient.open(broker.port(), MqttVersion.MQTT_5)) {
            sub.send(connect(true));
            assertThat(sub.receive(ConnAckPacket.class).sessionPresent()).isFalse();
            sub.sendTogether(subscribe("pending/#"), DisconnectPacket.NORMAL);
            sub.awaitClosed();
        }
        assertThat(resumeAndTakeAll(broker, 1)).containsExactly("kept");
    }

    /** SUBSCRIBE, then the socket closes without DISCONNECT: on RocksDB while the node waits to store it. */
    private static void subscribeAndLoseTheSocket(StarlingExtension broker) {
        try (RawClient pub = RawClient.connect(broker.port(), MqttVersion.MQTT_5, "retained-pub")) {
            pub.send(new PublishPacket(1, "lost/retained", bytes("kept"), 1, true, false, MqttProperties.NONE));
            assertThat(pub.receive(AckPacket.class).type()).isEqualTo(PacketType.PUBACK);
        }
        RawClient sub = RawClient.open(broker.port(), MqttVersion.MQTT_5);
        sub.send(connect(true));
        assertThat(sub.receive(ConnAckPacket.class).sessionPresent()).isFalse();
        sub.send(subscribe("lost/#"));
        sub.close();
        // The node has seen the close once the session has no connection.
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> broker.node().services().sessions().get(CLIENT).connection() == null);
        assertThat(resumeAndTakeAll(broker, 1)).containsExactly("kept");
    }

    private static void leaveInTheMiddleOfALargeRetainedSet(StarlingExtension broker) {
        int count = 600; // more than the in-flight window, the queue kept on the heap and a chunk together
        Mqtt5AsyncClient pub = Mqtt5Client.builder().identifier("retained-pub").serverHost(broker.host())
                .serverPort(broker.port()).buildAsync();
        pub.connect().join();
        CompletableFuture.allOf(IntStream.range(0, count).mapToObj(i -> pub.publishWith().topic("many/" + i)
                .qos(MqttQos.AT_LEAST_ONCE).retain(true).payload(bytes("r-" + i)).send())
                .toArray(CompletableFuture[]::new)).join();
        pub.disconnect().join();
        try (RawClient sub = RawClient.open(broker.port(), MqttVersion.MQTT_5)) {
            sub.send(connect(true));
            sub.receive(ConnAckPacket.class);
            sub.send(subscribe("many/#"));
            sub.receive(SubAckPacket.class);
            sub.receive(PublishPacket.class); // the stream has started; nothing is acknowledged
            sub.send(DisconnectPacket.NORMAL);
            sub.awaitClosed();
        }
        assertThat(resumeAndTakeAll(broker, count)).hasSize(count);
    }

    /** Resumes the session and acknowledges every message until {@code expected} distinct ones came. */
    private static Set<String> resumeAndTakeAll(StarlingExtension broker, int expected) {
        Set<String> got = new HashSet<>();
        try (RawClient again = RawClient.open(broker.port(), MqttVersion.MQTT_5)) {
            again.send(connect(false));
            assertThat(again.receive(ConnAckPacket.class).sessionPresent()).isTrue();
            while (got.size() < expected) {
                MqttPacket p = again.receive(Duration.ofSeconds(5));
                assertThat(p).as("after %d of %d messages", got.size(), expected).isInstanceOf(PublishPacket.class);
                PublishPacket publish = (PublishPacket) p;
                assertThat(publish.retain()).isTrue();
                assertThat(publish.qos()).isEqualTo(1);
                got.add(new String(publish.payload(), StandardCharsets.UTF_8));
                again.send(AckPacket.of(PacketType.PUBACK, publish.packetId()));
            }
            assertThat(again.poll(Duration.ofMillis(300))).as("nothing more").isNull();
        }
        return got;
    }

    private static SubscribePacket subscribe(String filter) {
        return new SubscribePacket(1, List.of(TopicSubscription.of(filter, 1)), MqttProperties.NONE);
    }

    private static ConnectPacket connect(boolean cleanStart) {
        return new ConnectPacket(MqttVersion.MQTT_5, CLIENT, cleanStart, 60, null, null, null,
                MqttProperties.builder().sessionExpiryInterval(3600L).build());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
