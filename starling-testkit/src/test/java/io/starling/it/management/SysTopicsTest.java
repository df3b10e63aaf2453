package io.starling.it.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.starling.testkit.StarlingExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The $SYS tree as a real client sees it: the retained node list, version and description, and the stats and
 * metrics every sys_interval, for a user the ACL lets read $SYS; another user is refused the subscription.
 */
class SysTopicsTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final StarlingExtension broker = StarlingExtension.create(b -> b.storageType("memory").config(
            "node.name = \"sys-test@127.0.0.1\"\nnode.sys_interval = 200ms\n"
                    + "authentication.allow_anonymous = false\n"
                    + "authentication.password_file = \"" + dir.resolve("passwd") + "\"\n"
                    + "authentication.password_iterations = 1000\n"
                    + "authorization.acl_file = \"" + acl(dir) + "\"\n"));

    private static Path acl(Path dir) {
        try {
            Path file = dir.resolve("acl.conf");
            Files.writeString(file, """
                    rules = [
                      { permission = allow, who = { user = "monitor" }, action = subscribe, topics = ["$SYS/#"] }
                      { permission = deny, who = all, action = subscribe, topics = ["$SYS/#"] }
                      { permission = allow, who = all, topics = ["#"] }
                    ]
                    """);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @BeforeEach
    void users() {
        broker.node().users().add("monitor", "pw".toCharArray(), false);
        broker.node().users().add("device", "pw".toCharArray(), false);
    }

    private Mqtt5BlockingClient login(String id, String user) {
        Mqtt5BlockingClient c = Mqtt5Client.builder().identifier(id).serverHost(broker.host())
                .serverPort(broker.port()).buildBlocking();
        c.connectWith().simpleAuth().username(user).password("pw".getBytes(StandardCharsets.UTF_8)).applySimpleAuth()
                .send();
        return c;
    }

    @Test
    void aMonitorReadsTheNodeItsStatsAndItsMetrics() throws Exception {
        Mqtt5BlockingClient device = login("sys-device", "device");
        device.publishWith().topic("sensors/1").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[10]).send();

        Mqtt5BlockingClient monitor = login("sys-monitor", "monitor");
        String node = "$SYS/brokers/sys-test@127.0.0.1/";
        Map<String, String> seen = new HashMap<>();
        try (Mqtt5BlockingClient.Mqtt5Publishes in = monitor.publishes(MqttGlobalPublishFilter.ALL)) {
            monitor.subscribeWith().topicFilter("$SYS/#").send();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            java.util.List<String> wanted = java.util.List.of("$SYS/brokers", node + "version",
                    node + "stats/connections/count", node + "stats/subscriptions/count",
                    node + "metrics/messages/qos1/received", node + "metrics/publishers/paused");
            while (System.nanoTime() < deadline && !seen.keySet().containsAll(wanted)) {
                in.receive(1, TimeUnit.SECONDS).ifPresent(p -> seen.put(p.getTopic().toString(), text(p)));
            }
        }
        assertThat(seen.get("$SYS/brokers")).isEqualTo("sys-test@127.0.0.1");
        assertThat(seen).containsKeys(node + "version", node + "sysdescr", node + "uptime", node + "datetime");
        assertThat(Long.parseLong(seen.get(node + "stats/connections/count"))).isEqualTo(2);
        assertThat(Long.parseLong(seen.get(node + "stats/subscriptions/count"))).isEqualTo(1);
        assertThat(Long.parseLong(seen.get(node + "metrics/messages/qos1/received"))).isEqualTo(1);
        assertThat(Long.parseLong(seen.get(node + "metrics/packets/publish/received"))).isEqualTo(1);
        assertThat(Long.parseLong(seen.get(node + "metrics/packets/connect/received"))).isEqualTo(2);
        assertThat(Long.parseLong(seen.get(node + "metrics/bytes/received"))).isGreaterThan(10);
        assertThat(Long.parseLong(seen.get(node + "metrics/messages/dropped/no_subscribers"))).isEqualTo(1);
        assertThat(seen.get(node + "metrics/messages/received")).as("$SYS messages are not counted as received")
                .isEqualTo("1");
        device.disconnect();
        monitor.disconnect();
    }

    @Test
    void aUserTheAclDoesNotLetReadSysIsRefusedTheSubscription() {
        Mqtt5BlockingClient device = login("sys-denied", "device");
        assertThatThrownBy(() -> device.subscribeWith().topicFilter("$SYS/#").send())
                .isInstanceOf(Mqtt5SubAckException.class);
        device.disconnect();
    }

    private static String text(Mqtt5Publish p) {
        return new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
    }
}
