package io.starling.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code bin/starling-ctl} command run as a process against the packaged node: tables by default, JSON
 * with {@code --json}, exit codes 0 (done), 1 (refused), 3 (not running), 64 (usage), and {@code reload}
 * applying a changed ACL file with clients connected while naming the settings that need a restart.
 */
class CtlIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private record Run(int code, String out) {
        JsonNode json() throws Exception {
            return JSON.readTree(out);
        }
    }

    private static Run ctl(NodeProcess node, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(NodeProcess.dist().resolve("bin/starling-ctl").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("STARLING_HOME", node.home().toString());
        Process p = pb.start();
        p.getOutputStream().close();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("starling-ctl exited").isTrue();
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
    }

    @Test
    void everyCommandAgainstARunningNode() throws Exception {
        NodeProcess node = NodeProcess.in(dir, Map.of());
        assertThat(ctl(node, "status").code()).as("not running yet").isEqualTo(3);
        try (NodeProcess running = node.start()) {
            Mqtt5BlockingClient device = MqttClient.builder().useMqttVersion5().identifier("ctl-device")
                    .serverHost("127.0.0.1").serverPort(node.port()).buildBlocking();
            device.connectWith().cleanStart(true).sessionExpiryInterval(600).send();
            device.subscribeWith().topicFilter("ctl/in/#").qos(MqttQos.AT_LEAST_ONCE).send();
            device.publishWith().topic("ctl/retained").retain(true).payload("r".getBytes(StandardCharsets.UTF_8)).send();

            assertThat(ctl(node, "status").out()).contains("is running");
            assertThat(ctl(node, "broker").out()).contains("version").contains("uptime_seconds");
            Run stats = ctl(node, "--json", "stats");
            assertThat(stats.code()).isZero();
            assertThat(stats.json().get("connections.count").asInt()).isEqualTo(1);
            assertThat(ctl(node, "metrics").out()).containsPattern("packets/publish/received\\s+1");

            Run clients = ctl(node, "clients", "list");
            assertThat(clients.out()).startsWith("CLIENTID").contains("ctl-device");
            assertThat(ctl(node, "clients", "list", "--json").json().get(0).get("clientid").asText())
                    .isEqualTo("ctl-device");
            assertThat(ctl(node, "clients", "show", "ctl-device").out()).containsPattern("subscriptions_cnt\\s+1");
            assertThat(ctl(node, "clients", "show", "nobody").code()).isEqualTo(1);
            assertThat(ctl(node, "sessions", "list").out()).contains("ctl-device").contains("connected");
            assertThat(ctl(node, "sessions", "show", "ctl-device").out()).contains("expiry_interval");
            assertThat(ctl(node, "subscriptions").out()).contains("ctl/in/#");
            assertThat(ctl(node, "topics").out()).contains("ctl/in/#");
            assertThat(ctl(node, "routes").out()).contains("ctl/in/#");
            assertThat(ctl(node, "retained", "list").out()).contains("ctl/retained");
            assertThat(ctl(node, "retained", "delete", "ctl/retained").code()).isZero();
            assertThat(ctl(node, "retained", "delete", "ctl/retained").code()).isEqualTo(1);
            assertThat(ctl(node, "listeners").out()).contains("tcp:default").contains("true");
            assertThat(ctl(node, "plugins", "list").out()).contains("starling-auth-http");
            assertThat(ctl(node, "users", "list").code()).isZero();

            Run level = ctl(node, "log", "level", "debug", "io.starling.broker.protocol");
            assertThat(level.code()).as(level.out()).isZero();
            assertThat(level.out()).contains("-> DEBUG");
            assertThat(ctl(node, "log", "level", "loud").code()).isEqualTo(64);
            assertThat(ctl(node, "frobnicate").code()).isEqualTo(64);

            // reload: the ACL file changes live, a changed setting is named, connected clients stay.
            Path acl = node.home().resolve("etc/acl.conf");
            Files.writeString(acl, Files.readString(acl).replace("rules = [",
                    "rules = [\n  { permission = deny, who = { clientid = \"ctl-blocked\" } }"));
            Path conf = node.home().resolve("etc/starling.conf");
            Files.writeString(conf, Files.readString(conf).replace("receive_maximum = 32", "receive_maximum = 16")
                    .replace("sys_interval = 1m", "sys_interval = 30s"));
            Run reload = ctl(node, "reload");
            assertThat(reload.code()).as(reload.out()).isZero();
            assertThat(reload.out()).startsWith("applied: ").contains("ACL file").contains("mqtt.receive_maximum")
                    .contains("applied only at the next start: node.sys_interval");
            assertThat(device.getState().isConnected()).isTrue();
            Mqtt5BlockingClient later = MqttClient.builder().useMqttVersion5().identifier("ctl-later")
                    .serverHost("127.0.0.1").serverPort(node.port()).buildBlocking();
            assertThat(later.connect().getRestrictions().getReceiveMaximum()).as("the new limit, for a new client")
                    .isEqualTo(16);
            later.disconnect();

            Files.writeString(conf, Files.readString(conf) + "\nmqtt.no_such_setting = 1\n");
            Run refused = ctl(node, "reload");
            assertThat(refused.code()).isEqualTo(1);
            assertThat(refused.out()).contains("nothing changed").contains("no_such_setting");

            assertThat(ctl(node, "sessions", "clear", "ctl-device").code()).isZero();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !device.getState().isConnected());
            assertThat(ctl(node, "sessions", "show", "ctl-device").code()).isEqualTo(1);

            Mqtt5BlockingClient kicked = MqttClient.builder().useMqttVersion5().identifier("ctl-kicked")
                    .serverHost("127.0.0.1").serverPort(node.port()).buildBlocking();
            kicked.connect();
            assertThat(ctl(node, "clients", "kick", "ctl-kicked").code()).isZero();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !kicked.getState().isConnected());
        }
    }
}
