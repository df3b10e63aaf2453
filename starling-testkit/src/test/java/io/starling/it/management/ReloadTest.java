package io.starling.it.management;

import static org.assertj.core.api.Assertions.assertThat;

import io.starling.broker.bootstrap.ReloadReport;
import io.starling.codec.MqttProperties;
import io.starling.codec.MqttVersion;
import io.starling.codec.ReasonCode;
import io.starling.codec.packet.ConnAckPacket;
import io.starling.codec.packet.ConnectPacket;
import io.starling.codec.packet.PingReqPacket;
import io.starling.codec.packet.PingRespPacket;
import io.starling.testkit.RawClient;
import io.starling.testkit.StarlingExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** reload on a node started from a file: what it applies live, what it names for a restart, what it refuses. */
class ReloadTest {
    @TempDir
    static Path dir;

    @RegisterExtension
    final StarlingExtension broker = StarlingExtension.create(b -> b.configFile(file("authentication.allow_anonymous = true\n"))
            .storageType("memory"));

    private static Path file(String text) {
        try {
            Path f = dir.resolve("starling.conf");
            Files.writeString(f, text);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int connack(String id) {
        try (RawClient c = RawClient.open(broker.port(), MqttVersion.MQTT_5)) {
            c.send(new ConnectPacket(MqttVersion.MQTT_5, id, true, 60, null, null, null, MqttProperties.NONE));
            return c.receive(ConnAckPacket.class).reasonCode();
        }
    }

    @Test
    void anonymousAccessIsTurnedOffLiveAndAConnectedClientStays() throws IOException {
        try (RawClient first = RawClient.open(broker.port(), MqttVersion.MQTT_5)) {
            first.send(new ConnectPacket(MqttVersion.MQTT_5, "reload-first", true, 60, null, null, null,
                    MqttProperties.NONE));
            assertThat(first.receive(ConnAckPacket.class).reasonCode()).isZero();

            Files.writeString(dir.resolve("starling.conf"), "authentication.allow_anonymous = false\n"
                    + "mqtt.max_inflight = 7\nnode.io_threads = 3\n");
            ReloadReport report = broker.node().reload();
            assertThat(report.error()).isNull();
            assertThat(report.applied()).contains("authentication.allow_anonymous", "mqtt.max_inflight");
            assertThat(report.needsRestart()).containsExactly("node.io_threads");
            assertThat(broker.node().config().mqtt().maxInflight()).isEqualTo(7);

            assertThat(connack("reload-second")).as("anonymous, after the reload").isEqualTo(ReasonCode.NOT_AUTHORIZED);
            first.send(PingReqPacket.INSTANCE);
            assertThat(first.receive(PingRespPacket.class)).as("the connected client stays").isNotNull();

            // A listener's limits, for the connections that come next.
            Files.writeString(dir.resolve("starling.conf"), "authentication.allow_anonymous = true\n"
                    + "mqtt.max_inflight = 7\nnode.io_threads = 3\nlisteners.tcp.default.max_connections = 1\n");
            ReloadReport listener = broker.node().reload();
            assertThat(listener.applied()).contains("listeners.tcp.default.max_connections");
            assertThat(listener.needsRestart()).as("still not applied: named again").containsExactly("node.io_threads");
            assertThat(connack("reload-third")).as("over the listener's new maximum of 1")
                    .isEqualTo(ReasonCode.QUOTA_EXCEEDED);

            Files.writeString(dir.resolve("starling.conf"), "mqtt.max_inflight = many\n");
            ReloadReport refused = broker.node().reload();
            assertThat(refused.error()).contains("starling.conf").contains("max_inflight");
            assertThat(broker.node().config().mqtt().maxInflight()).as("nothing changed").isEqualTo(7);
        }
    }
}
