package io.starling.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/starling-ctl plugins ...} run as a process against the packaged node: the shipped example plugin
 * listed, loaded, used by a real client that stays connected, unloaded and reloaded; the exit codes scripts
 * rely on.
 */
class PluginsIT {
    private static final String PLUGIN = "starling-plugin-template";

    @TempDir
    Path dir;

    private record Run(int code, String out) {
    }

    private static Run ctl(NodeProcess node, String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = NodeProcess.dist().resolve("bin/starling-ctl").toString();
        System.arraycopy(args, 0, command, 1, args.length);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("STARLING_HOME", node.home().toString());
        Process p = pb.start();
        p.getOutputStream().close();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("starling-ctl exited").isTrue();
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void pluginsAreListedLoadedUnloadedAndReloadedThroughStarlingCtl() throws Exception {
        NodeProcess node = NodeProcess.in(dir, Map.of());
        try (NodeProcess running = node.start()) {
            Run list = ctl(node, "plugins", "list");
            assertThat(list.code()).as(list.out()).isZero();
            assertThat(list.out()).contains("NAME").containsPattern(PLUGIN + "\\s+\\S+\\s+-\\s+Example plugin");

            Mqtt5BlockingClient c = MqttClient.builder().useMqttVersion5().identifier("ctl-watcher")
                    .serverHost("127.0.0.1").serverPort(node.port()).buildBlocking();
            c.connect();
            try (Mqtt5BlockingClient.Mqtt5Publishes in = c.publishes(MqttGlobalPublishFilter.ALL)) {
                c.subscribeWith().topicFilter("template/#").qos(MqttQos.AT_LEAST_ONCE).send();

                Run load = ctl(node, "plugins", "load", PLUGIN);
                assertThat(load.code()).as(load.out()).isZero();
                assertThat(load.out()).contains("plugin " + PLUGIN + " ").contains(" loaded");
                assertThat(tag(c, in)).isEqualTo("template");
                assertThat(ctl(node, "--json", "plugins", "list").out()).contains("\"loaded\" : true");

                assertThat(ctl(node, "plugins", "reload", PLUGIN).code()).isZero();
                assertThat(tag(c, in)).isEqualTo("template");

                assertThat(ctl(node, "plugins", "unload", PLUGIN).code()).isZero();
                assertThat(tag(c, in)).as("unloaded: no property").isNull();

                Run again = ctl(node, "plugins", "unload", PLUGIN);
                assertThat(again.code()).isEqualTo(1);
                assertThat(again.out()).contains("plugin " + PLUGIN + " is not loaded");
                Run unknown = ctl(node, "plugins", "load", "nope");
                assertThat(unknown.code()).isEqualTo(1);
                assertThat(unknown.out()).contains("no plugin nope in");
                assertThat(ctl(node, "plugins", "frobnicate", PLUGIN).code()).isEqualTo(64);
                assertThat(ctl(node, "status").out()).contains("is running");
            } finally {
                c.disconnect();
            }
        }
        Run stopped = ctl(node, "status");
        assertThat(stopped.code()).as(stopped.out()).isEqualTo(3);
        assertThat(stopped.out()).contains("Starling is not running");
    }

    private static String tag(Mqtt5BlockingClient c, Mqtt5BlockingClient.Mqtt5Publishes in) throws Exception {
        c.publishWith().topic("template/t").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[] {1}).send();
        Optional<Mqtt5Publish> got = in.receive(10, TimeUnit.SECONDS);
        assertThat(got).isPresent();
        return got.get().getUserProperties().asList().stream()
                .filter(p -> p.getName().toString().equals("x-starling-template"))
                .map(p -> p.getValue().toString()).findFirst().orElse(null);
    }
}
