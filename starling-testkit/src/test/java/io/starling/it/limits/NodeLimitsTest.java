package io.starling.it.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.starling.broker.bootstrap.Starling;
import io.starling.codec.MqttProperties;
import io.starling.codec.MqttVersion;
import io.starling.codec.ReasonCode;
import io.starling.codec.packet.ConnAckPacket;
import io.starling.codec.packet.ConnectPacket;
import io.starling.codec.packet.DisconnectPacket;
import io.starling.codec.packet.MqttPacket;
import io.starling.codec.packet.PublishPacket;
import io.starling.codec.packet.SubAckPacket;
import io.starling.codec.packet.SubscribePacket;
import io.starling.codec.packet.TopicSubscription;
import io.starling.testkit.RawClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Limits and node-initiated closes, each on a node configured for it. */
class NodeLimitsTest {

    @TempDir
    Path dataDir;

    private Starling start(String hocon) {
        return Starling.builder().config(hocon).host("127.0.0.1").port(0).dataDir(dataDir).start();
    }

    @Test
    void gracefulStopTellsMqtt5ClientsServerShuttingDown() {
        Starling node = start("");
        try (RawClient v5 = RawClient.connect(node.port(), MqttVersion.MQTT_5, "v5");
             RawClient v3 = RawClient.connect(node.port(), MqttVersion.MQTT_3_1_1, "v3")) {
            node.close();
            assertThat(v5.awaitClosed()).singleElement().isInstanceOfSatisfying(DisconnectPacket.class,
                    d -> assertThat(d.reasonCode()).isEqualTo(ReasonCode.SERVER_SHUTTING_DOWN));
            assertThat(v3.awaitClosed()).isEmpty();
        }
    }

    @Test
    void serverReferenceRedirectsClients() {
        try (Starling node = start("mqtt.server_reference = \"other.example:1883\"\nmqtt.server_moved = true");
             RawClient client = RawClient.open(node.port(), MqttVersion.MQTT_5)) {
            client.send(connect(MqttVersion.MQTT_5, "moved"));
            List<MqttPacket> got = client.awaitClosed();
            assertThat(got).singleElement().isInstanceOfSatisfying(ConnAckPacket.class, c -> {
                assertThat(c.reasonCode()).isEqualTo(ReasonCode.SERVER_MOVED);
                assertThat(c.properties().serverReference()).isEqualTo("other.example:1883");
            });
        }
    }

    @Test
    void connectMustArriveInTime() {
        try (Starling node = start("mqtt.connect_timeout = 300ms");
             RawClient silent = RawClient.open(node.port(), MqttVersion.MQTT_5)) {
            assertThat(silent.awaitClosed(Duration.ofSeconds(5))).isEmpty();
        }
    }

    @Test
    void bytesTrickledBeforeConnectDoNotExtendTheDeadline() throws Exception {
        try (Starling node = start("mqtt.connect_timeout = 500ms");
             RawClient slow = RawClient.open(node.port(), MqttVersion.MQTT_5)) {
            slow.sendBytes((byte) 0x10, (byte) 100); // a CONNECT of 100 bytes, then one byte every 100 ms
            Thread trickle = new Thread(() -> {
                try {
                    while (true) {
                        Thread.sleep(100);
                        slow.sendBytes((byte) 0);
                    }
                } catch (InterruptedException | RuntimeException closed) {
                    // the node closed the socket, or the test is over
                }
            });
            trickle.setDaemon(true);
            trickle.start();
            try {
                assertThat(slow.awaitClosed(Duration.ofSeconds(3))).isEmpty();
            } finally {
                trickle.interrupt();
            }
        }
    }

    @Test
    void everyIoThreadListensOnThePortAndItsClientsReachEachOther() throws IOException {
        assertClientsOnOneListenerExchangeMessages("node.io_threads = 2", 2);
    }

    @Test
    void aNodeOnDefaultsLeavesOneCoreOverAndTheBuilderMayAskForMore() throws IOException {
        assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")), "SKIPPED: no /proc/net/tcp (not Linux)");
        int cores = Runtime.getRuntime().availableProcessors();
        try (Starling node = start("")) {
            assertThat(listeningSockets(node.port())).as("one listening socket per network thread")
                    .isEqualTo(Math.max(1, cores - 1));
        }
        try (Starling node = Starling.builder().config("node.io_threads = 2").ioThreads(3).host("127.0.0.1").port(0)
                .dataDir(dataDir).start()) {
            assertThat(listeningSockets(node.port())).isEqualTo(3);
        }
    }

    @Test
    void acceptorThreadsServeTheListenerWithoutReusePort() throws IOException {
        assertClientsOnOneListenerExchangeMessages("node.io_threads = 2\nlisteners.tcp.default { bind = \"127.0.0.1:0\","
                + " acceptors = 1, max_connections = 100, reuse_port = false }", 1);
    }

    /**
     * The kernel holds {@code sockets} listening sockets on the node's port (one per I/O thread with SO_REUSEPORT),
     * and twenty subscribers, spread by the kernel or the acceptor over the two I/O threads, each get one message.
     */
    private void assertClientsOnOneListenerExchangeMessages(String hocon, int sockets) throws IOException {
        assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")), "SKIPPED: no /proc/net/tcp (not Linux)");
        try (Starling node = start(hocon)) {
            assertThat(listeningSockets(node.port())).isEqualTo(sockets);
            List<RawClient> subscribers = new ArrayList<>();
            try {
                for (int i = 0; i < 20; i++) {
                    RawClient sub = RawClient.connect(node.port(), MqttVersion.MQTT_5, "spread-" + i);
                    subscribers.add(sub);
                    sub.send(new SubscribePacket(1, List.of(TopicSubscription.of("spread/#", 0)), MqttProperties.NONE));
                    sub.receive(SubAckPacket.class);
                }
                try (RawClient pub = RawClient.connect(node.port(), MqttVersion.MQTT_5, "spread-pub")) {
                    pub.send(new PublishPacket(0, "spread/x", new byte[] {7}, 0, false, false, MqttProperties.NONE));
                    for (RawClient sub : subscribers) {
                        assertThat(sub.receive(PublishPacket.class).topic()).isEqualTo("spread/x");
                    }
                }
            } finally {
                subscribers.forEach(RawClient::close);
            }
        }
    }

    /** Sockets in state LISTEN on {@code port} in the kernel's IPv4 and IPv6 tables. */
    private static long listeningSockets(int port) throws IOException {
        String localPort = String.format(":%04X", port);
        long count = 0;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path file = Path.of(table);
            if (!Files.isReadable(file)) {
                continue;
            }
            for (String line : Files.readAllLines(file)) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 3 && f[1].endsWith(localPort) && f[3].equals("0A")) {
                    count++;
                }
            }
        }
        return count;
    }

    @Test
    void subscriptionsPerClientAreCapped() {
        try (Starling node = start("mqtt.max_subscriptions = 2");
             RawClient client = RawClient.connect(node.port(), MqttVersion.MQTT_5, "capped")) {
            client.send(new SubscribePacket(1, List.of(TopicSubscription.of("a", 1), TopicSubscription.of("b", 1),
                    TopicSubscription.of("c", 1), TopicSubscription.of("a", 0)), MqttProperties.NONE));
            SubAckPacket ack = client.receive(SubAckPacket.class);
            assertThat(ack.reasonCodes()).containsExactly(1, 1, ReasonCode.QUOTA_EXCEEDED, 0);
        }
    }

    @Test
    void grantedQosIsCappedByMaximumQos() {
        try (Starling node = start("mqtt.max_qos = 1");
             RawClient client = RawClient.connect(node.port(), MqttVersion.MQTT_5, "qos")) {
            client.send(new SubscribePacket(1, List.of(TopicSubscription.of("q", 2)), MqttProperties.NONE));
            assertThat(client.receive(SubAckPacket.class).reasonCodes()).containsExactly(1);
            client.send(new PublishPacket(1, "q", new byte[] {1}, 2, false, false, MqttProperties.NONE));
            assertThat(client.awaitClosed()).last().isInstanceOfSatisfying(DisconnectPacket.class,
                    d -> assertThat(d.reasonCode()).isEqualTo(ReasonCode.QOS_NOT_SUPPORTED));
        }
    }

    @Test
    void connackAnnouncesMaximumQosAndLimits() {
        try (Starling node = start("mqtt.max_qos = 1\nmqtt.receive_maximum = 7\nmqtt.max_packet_size = 4096");
             RawClient client = RawClient.open(node.port(), MqttVersion.MQTT_5)) {
            client.send(connect(MqttVersion.MQTT_5, "caps"));
            ConnAckPacket ack = client.receive(ConnAckPacket.class);
            assertThat(ack.properties().maximumQos()).isEqualTo(1);
            assertThat(ack.properties().receiveMaximum()).isEqualTo(7);
            assertThat(ack.properties().maximumPacketSize()).isEqualTo(4096L);
        }
    }

    @Test
    void topicLevelsAreCapped() {
        try (Starling node = start("mqtt.max_topic_levels = 3");
             RawClient client = RawClient.connect(node.port(), MqttVersion.MQTT_5, "levels")) {
            client.send(new SubscribePacket(1, List.of(TopicSubscription.of("a/b/c", 0),
                    TopicSubscription.of("a/b/c/d", 0)), MqttProperties.NONE));
            assertThat(client.receive(SubAckPacket.class).reasonCodes())
                    .containsExactly(0, ReasonCode.TOPIC_FILTER_INVALID);
        }
    }

    @Test
    void reasonStringsAreLeftOutWhenTheClientsMaximumPacketSizeIsSmall() {
        String denyAll = "authorization.rules = [{ permission = deny, action = subscribe, topic = \"secret/#\" }]";
        try (Starling node = start(denyAll);
             RawClient roomy = RawClient.open(node.port(), MqttVersion.MQTT_5);
             RawClient tight = RawClient.open(node.port(), MqttVersion.MQTT_5)) {
            roomy.send(connect(MqttVersion.MQTT_5, "roomy"));
            roomy.receive(ConnAckPacket.class);
            tight.send(new ConnectPacket(MqttVersion.MQTT_5, "tight", true, 60, null, null, null,
                    MqttProperties.builder().maximumPacketSize(16L).build()));
            tight.receive(ConnAckPacket.class);
            SubscribePacket subscribe = new SubscribePacket(1, List.of(TopicSubscription.of("secret/plans", 1)),
                    MqttProperties.NONE);

            roomy.send(subscribe);
            assertThat(roomy.receive(SubAckPacket.class).properties().reasonString()).contains("not authorized");
            tight.send(subscribe);
            SubAckPacket small = tight.receive(SubAckPacket.class);
            assertThat(small.reasonCodes()).containsExactly(ReasonCode.UNSPECIFIED_ERROR);
            assertThat(small.properties().reasonString()).isNull();
        }
    }

    private static ConnectPacket connect(MqttVersion version, String clientId) {
        return new ConnectPacket(version, clientId, true, 60, null, null, null, MqttProperties.NONE);
    }
}
