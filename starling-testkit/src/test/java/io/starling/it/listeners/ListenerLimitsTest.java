package io.starling.it.listeners;

import static org.assertj.core.api.Assertions.assertThat;

import io.starling.broker.bootstrap.Starling;
import io.starling.codec.MqttProperties;
import io.starling.codec.MqttVersion;
import io.starling.codec.ReasonCode;
import io.starling.codec.packet.ConnAckPacket;
import io.starling.codec.packet.ConnectPacket;
import io.starling.codec.packet.MqttPacket;
import io.starling.codec.packet.PingReqPacket;
import io.starling.codec.packet.PingRespPacket;
import io.starling.codec.packet.PublishPacket;
import io.starling.codec.packet.SubAckPacket;
import io.starling.codec.packet.SubscribePacket;
import io.starling.codec.packet.TopicSubscription;
import io.starling.testkit.RawClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A listener's gatekeeping with real sockets: address rules before any MQTT byte, connection limits per listener
 * and per node answered with CONNACK, and rate limits that slow the client over them and no one else.
 */
class ListenerLimitsTest {
    @TempDir
    Path dataDir;

    @RegisterExtension
    final LogLines log = new LogLines("io.starling.broker");

    private Starling start(String hocon) {
        return Starling.builder().config("listeners.ssl.default.enabled = false\n"
                        + "listeners.ws.default.enabled = false\nlisteners.wss.default.enabled = false\n" + hocon)
                .allListeners().host("127.0.0.1").port(0).dataDir(dataDir).storageType("memory").start();
    }

    private static int port(Starling node, String listener) {
        return node.address(listener).getPort();
    }

    private static ConnectPacket connect(MqttVersion version, String clientId) {
        return new ConnectPacket(version, clientId, true, 60, null, null, null, MqttProperties.NONE);
    }

    @Test
    void addressRulesRefuseBeforeAnyMqttByteAndEachListenerHasItsOwn() {
        try (Starling node = start("listeners.tcp.default.access_rules = [\"deny 127.0.0.0/8\", \"allow all\"]\n"
                + "listeners.tcp.inside { bind = \"127.0.0.1:0\", access_rules = [\"allow 127.0.0.1\", \"deny all\"] }\n")) {
            try (RawClient refused = RawClient.open(port(node, "tcp:default"), MqttVersion.MQTT_5)) {
                assertThat(refused.awaitClosed(Duration.ofSeconds(5))).as("closed without a CONNACK").isEmpty();
            }
            log.await("listener tcp:default 127.0.0.1:", "refused by the access rules");
            try (RawClient allowed = RawClient.connect(port(node, "tcp:inside"), MqttVersion.MQTT_5, "inside")) {
                allowed.send(PingReqPacket.INSTANCE);
                allowed.receive(PingRespPacket.class);
            }
        }
    }

    @Test
    void overTheListenersMaximumConnectIsAnsweredQuotaExceededOrServerUnavailable() {
        try (Starling node = start("listeners.tcp.default.max_connections = 1\n");
             RawClient first = RawClient.connect(node.port(), MqttVersion.MQTT_5, "first")) {
            assertRefused(node.port(), MqttVersion.MQTT_5, ReasonCode.QUOTA_EXCEEDED);
            assertRefused(node.port(), MqttVersion.MQTT_3_1_1, ReasonCode.V3_SERVER_UNAVAILABLE);
            log.await("connection refused", "listener tcp:default holds its maximum of 1 connections");
            first.send(PingReqPacket.INSTANCE);
            first.receive(PingRespPacket.class);
            first.close();
            // Its place is free again once the node has seen it close.
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> node.services().sessions().get("first") == null
                    && accepted(node.port()));
        }
    }

    @Test
    void theNodesMaximumCountsEveryListener() {
        try (Starling node = start("node.max_connections = 2\nlisteners.tcp.second.bind = \"127.0.0.1:0\"\n");
             RawClient a = RawClient.connect(port(node, "tcp:default"), MqttVersion.MQTT_5, "a");
             RawClient b = RawClient.connect(port(node, "tcp:second"), MqttVersion.MQTT_5, "b")) {
            assertRefused(port(node, "tcp:second"), MqttVersion.MQTT_5, ReasonCode.QUOTA_EXCEEDED);
            log.await("the node holds its maximum of 2 connections");
        }
    }

    private static void assertRefused(int port, MqttVersion version, int reason) {
        try (RawClient over = RawClient.open(port, version)) {
            over.send(connect(version, "over-" + version));
            List<MqttPacket> got = over.awaitClosed(Duration.ofSeconds(5));
            assertThat(got).singleElement().isInstanceOfSatisfying(ConnAckPacket.class,
                    c -> assertThat(c.reasonCode()).isEqualTo(reason));
        }
    }

    private static boolean accepted(int port) {
        try (RawClient c = RawClient.open(port, MqttVersion.MQTT_5)) {
            c.send(connect(MqttVersion.MQTT_5, "again"));
            return c.receive() instanceof ConnAckPacket ack && ack.reasonCode() == 0;
        }
    }

    @Test
    void aFloodingClientIsSlowedToItsByteRateWhileAnotherOnTheSameListenerIsNot() throws Exception {
        try (Starling node = start("listeners.tcp.default { bytes_rate = 50kB, bytes_burst = 10kB }\n");
             RawClient flooder = RawClient.connect(node.port(), MqttVersion.MQTT_5, "flooder");
             RawClient sub = RawClient.connect(node.port(), MqttVersion.MQTT_5, "watcher")) {
            sub.send(new SubscribePacket(1, List.of(TopicSubscription.of("flood", 0)), MqttProperties.NONE));
            sub.receive(SubAckPacket.class);
            byte[] payload = new byte[1000];
            int messages = 150; // ~150 kB: three seconds at 50 kB/s after the 10 kB burst
            long started = System.nanoTime();
            Thread writer = new Thread(() -> {
                for (int i = 0; i < messages; i++) {
                    flooder.send(new PublishPacket(0, "flood", payload, 0, false, false, MqttProperties.NONE));
                }
            });
            writer.setDaemon(true);
            writer.start();
            // Meanwhile the other client on the listener is answered at once, several times over.
            int received = 0;
            for (int i = 0; i < 5; i++) {
                long ping = System.nanoTime();
                sub.send(PingReqPacket.INSTANCE);
                MqttPacket p;
                while (!((p = sub.receive()) instanceof PingRespPacket)) {
                    assertThat(p).isInstanceOf(PublishPacket.class);
                    received++;
                }
                assertThat(Duration.ofNanos(System.nanoTime() - ping)).isLessThan(Duration.ofMillis(500));
            }
            while (received < messages) {
                if (sub.receive(Duration.ofSeconds(10)) instanceof PublishPacket) {
                    received++;
                }
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(took).as("150 kB at 50 kB/s").isGreaterThan(Duration.ofMillis(2000));
            assertThat(node.metrics().connectionThrottles()).isPositive();
            writer.join(10_000);
        }
    }

    @Test
    void publishRateHoldsAClientToItsMessagesPerSecondAndLosesNothing() {
        try (Starling node = start("listeners.tcp.default { publish_rate = 20, publish_burst = 5 }\n");
             RawClient pub = RawClient.connect(node.port(), MqttVersion.MQTT_5, "chatty");
             RawClient sub = RawClient.connect(node.port(), MqttVersion.MQTT_5, "listener")) {
            sub.send(new SubscribePacket(1, List.of(TopicSubscription.of("rated", 0)), MqttProperties.NONE));
            sub.receive(SubAckPacket.class);
            long started = System.nanoTime();
            for (int i = 0; i < 45; i++) {
                pub.send(new PublishPacket(0, "rated", new byte[] {(byte) i}, 0, false, false, MqttProperties.NONE));
            }
            List<Integer> got = new ArrayList<>();
            while (got.size() < 45) {
                got.add((int) sub.receive(PublishPacket.class).payload()[0]);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("45 at 20/s after a burst of 5")
                    .isGreaterThan(Duration.ofMillis(1500));
            assertThat(got).as("in order, none lost").isEqualTo(java.util.stream.IntStream.range(0, 45).boxed().toList());
        }
    }

    @Test
    void newConnectionsOverTheListenersRateWaitTheirTurnAndAllGetIn() {
        try (Starling node = start("listeners.tcp.default { max_conn_rate = 10, reuse_port = false }\n")) {
            long started = System.nanoTime();
            List<RawClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 30; i++) {
                    clients.add(RawClient.connect(node.port(), MqttVersion.MQTT_5, "rate-" + i));
                }
                assertThat(Duration.ofNanos(System.nanoTime() - started)).as("30 at 10/s after a burst of 10")
                        .isGreaterThan(Duration.ofMillis(1500));
            } finally {
                clients.forEach(RawClient::close);
            }
        }
    }

    @Test
    void aConnectionWithoutConnectInTimeIsClosed() {
        try (Starling node = start("mqtt.connect_timeout = 300ms\n");
             RawClient silent = RawClient.open(node.port(), MqttVersion.MQTT_5)) {
            assertThat(silent.awaitClosed(Duration.ofSeconds(5))).isEmpty();
            log.await("no CONNECT in time");
        }
    }
}
