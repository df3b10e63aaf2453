package io.starling.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes from one installation on one host, each with its own configuration file (name, data directory,
 * ports): {@code bin/starling -c FILE start|status|stop} and {@code bin/starling-ctl -c FILE} find each node by
 * its configuration, each writes its own log, and stopping one leaves the other serving.
 */
class MultiNodeIT {
    private static final Pattern TCP_PORT = Pattern.compile("listener tcp:default listening on [^:]+:(\\d+)");

    @TempDir
    Path dir;

    private Path home;
    private final List<Node> started = new ArrayList<>();

    /** A node's configuration file and the data directory it names, relative to the installation. */
    private record Node(Path conf, String dataDir) {
    }

    private record Run(int code, String out) {
    }

    /**
     * Node 1 keeps the installation's data/ and log/ (its data_dir is the default); node 2's data_dir is relative,
     * so resolved against the installation like the node does, and its log goes into it.
     */
    @Test
    void twoNodesFromOneInstallationRunSideBySide() throws Exception {
        home = NodeProcess.in(dir, Map.of()).home();
        Node one = node("node1.conf", "node1@127.0.0.1", "data");
        Node two = node("node2.conf", "node2@127.0.0.1", "nodes/node2");

        int port1 = start(one);
        int port2 = start(two);
        assertThat(port2).isNotEqualTo(port1);
        assertThat(home.resolve("data/starling.pid")).exists();
        assertThat(home.resolve("nodes/node2/starling.pid")).exists();

        assertThat(starling(one, "status")).isEqualTo(new Run(0, "Starling is running (pid " + pid(one) + ")"));
        assertThat(starling(two, "status")).isEqualTo(new Run(0, "Starling is running (pid " + pid(two) + ")"));
        assertThat(pid(one)).isNotEqualTo(pid(two));

        Mqtt5BlockingClient c1 = connect("on-node1", port1);
        Mqtt5BlockingClient c2 = connect("on-node2", port2);

        // starling-ctl by -c and by STARLING_CONFIG: each answer comes from the node the file names.
        assertThat(ctl(Map.of(), "-c", one.conf().toString(), "status").out()).contains(" node node1@127.0.0.1 ")
                .contains("is running");
        assertThat(ctl(Map.of(), "--config", two.conf().toString(), "status").out())
                .contains(" node node2@127.0.0.1 ");
        assertThat(ctl(Map.of("STARLING_CONFIG", two.conf().toString()), "clients", "list").out())
                .contains("on-node2").doesNotContain("on-node1");
        assertThat(ctl(Map.of(), "-c", one.conf().toString(), "clients", "list").out()).contains("on-node1")
                .doesNotContain("on-node2");

        // Each node logs to its own file: the installation's log/ for node 1, in its data directory for node 2.
        String log1 = Files.readString(home.resolve("log/starling.log"));
        String log2 = Files.readString(home.resolve("nodes/node2/log/starling.log"));
        assertThat(log1).contains("node node1@127.0.0.1").doesNotContain("node2@127.0.0.1");
        assertThat(log2).contains("node node2@127.0.0.1").doesNotContain("node1@127.0.0.1");

        Run stop = starling(one, "stop");
        assertThat(stop.code()).as(stop.out()).isZero();
        assertThat(stop.out()).endsWith("Starling stopped");
        assertThat(starling(one, "status")).isEqualTo(new Run(3, "Starling is not running"));
        assertThat(ctl(Map.of(), "-c", one.conf().toString(), "status").code()).isEqualTo(3);
        assertThat(c1.getState().isConnected()).as("node 1's client, its node stopped").isFalse();

        assertThat(starling(two, "status").code()).as("node 2 still runs").isZero();
        assertThat(c2.getState().isConnected()).isTrue();
        connect("on-node2-later", port2).disconnect();
        assertThat(ctl(Map.of(), "-c", two.conf().toString(), "status").code()).isZero();
        c2.disconnect();
    }

    /** A file that cannot be read names no pid file: nothing is stopped or reported on a guess. */
    @Test
    void aConfigurationThatCannotBeReadFindsNoNode() throws Exception {
        home = NodeProcess.in(dir, Map.of()).home();
        Path broken = home.resolve("etc/broken.conf");
        Files.writeString(broken, "node {\n  data_dir = \n");
        Node node = new Node(broken, "data");
        for (String command : List.of("status", "stop", "reload")) {
            Run run = starling(node, command);
            assertThat(run.code()).as(run.out()).isEqualTo(2);
            assertThat(run.out()).contains("starling: configuration error: ").contains("broken.conf")
                    .contains("fix it, or set STARLING_PID_FILE");
        }
        Run start = starling(node, "start");
        assertThat(start.code()).as(start.out()).isEqualTo(1);
        assertThat(start.out()).contains("starling: configuration error: ");
    }

    /** The shipped configuration with this node's name, data directory and ports from the OS. */
    private Node node(String file, String name, String dataDir) throws IOException {
        Path conf = home.resolve("etc").resolve(file);
        Files.writeString(conf, """
                include "starling.conf"
                node {
                  name = "%s"
                  data_dir = "%s"
                  warmup_connections = 0
                }
                listeners.tcp.default.bind = "127.0.0.1:0"
                listeners.ssl.default.bind = "127.0.0.1:0"
                listeners.ws.default.bind = "127.0.0.1:0"
                listeners.wss.default.bind = "127.0.0.1:0"
                management.bind = "127.0.0.1:0"
                authentication.allow_anonymous = true
                """.formatted(name, dataDir));
        return new Node(conf, dataDir);
    }

    /** {@code bin/starling -c FILE start}: the port of tcp:default, as the start reports it. */
    private int start(Node node) throws Exception {
        Run run = starling(node, "start");
        started.add(node);
        assertThat(run.code()).as(run.out()).isZero();
        Matcher m = TCP_PORT.matcher(run.out());
        assertThat(m.find()).as(run.out()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    /** The pid in the node's pid file, 0 when there is none. */
    private long pid(Node node) throws IOException {
        Path file = home.resolve(node.dataDir()).resolve("starling.pid");
        return Files.exists(file) ? Long.parseLong(Files.readString(file).trim().split(" ")[0]) : 0;
    }

    private static Mqtt5BlockingClient connect(String id, int port) {
        Mqtt5BlockingClient c = MqttClient.builder().useMqttVersion5().identifier(id).serverHost("127.0.0.1")
                .serverPort(port).buildBlocking();
        c.connect();
        return c;
    }

    private Run starling(Node node, String command) throws Exception {
        return run(List.of(NodeProcess.dist().resolve("bin/starling").toString(), "-c", node.conf().toString(),
                        command),
                Map.of("STARLING_JAVA_OPTS", "-Xms64m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"));
    }

    private Run ctl(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(NodeProcess.dist().resolve("bin/starling-ctl").toString()));
        command.addAll(List.of(args));
        return run(command, env);
    }

    private Run run(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("STARLING_HOME", home.toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).as(String.join(" ", command) + " exited").isTrue();
        return new Run(p.exitValue(), out);
    }

    /** A node left running by a failed assertion: stopped, and killed if it does not stop. */
    @AfterEach
    void stopAll() throws Exception {
        for (Node node : started) {
            long pid = pid(node);
            if (starling(node, "stop").code() != 0 && pid != 0) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }
}
