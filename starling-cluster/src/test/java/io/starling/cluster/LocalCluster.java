package io.starling.cluster;

import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.starling.broker.bootstrap.Starling;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Several cluster nodes in this JVM, each with its own data directory and ports from the OS, the first one the
 * seed of the others: real JGroups over TCP on loopback and a real data plane.
 */
final class LocalCluster implements AutoCloseable {
    static final String COOKIE = "a-test-cookie-of-some-length";

    private final List<Starling> nodes = new ArrayList<>();
    private final List<Path> dirs = new ArrayList<>();
    private final List<Mqtt5BlockingClient> clients = new ArrayList<>();

    /** Starts a node named {@code name} that finds the others through the first node. */
    Starling start(String name) {
        return start(name, "");
    }

    Starling start(String name, String extraConfig) {
        return startWith(name, seeds() + extraConfig);
    }

    /** The first node as every other node's seed. */
    private String seeds() {
        String seeds = nodes.isEmpty() ? "[]" : "[\"" + cluster(nodes.get(0)).controlAddress() + "\"]";
        return "cluster.static.seeds = " + seeds + "\n";
    }

    Starling startWith(String name, String config) {
        Path dir;
        try {
            dir = Files.createTempDirectory("starling-cluster-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        dirs.add(dir);
        return startIn(dir, name, config);
    }

    /** Stops a node and starts it again on its data (its stored sessions and retained messages), found as before. */
    Starling restart(Starling node) {
        String name = node.config().nodeName();
        Path dir = node.config().dataDir();
        stop(node);
        return startIn(dir, name, seeds());
    }

    private Starling startIn(Path dir, String name, String config) {
        Starling node = Starling.builder().ioThreads(2).host("127.0.0.1").port(0).dataDir(dir).extensions(true)
                .config("node.name = \"" + name + "\"\n"
                        + "management.enabled = false\n"
                        + "cluster.enabled = true\n"
                        + "cluster.bind = \"127.0.0.1:0\"\n"
                        + "cluster.data_bind = \"127.0.0.1:0\"\n"
                        + "cluster.cookie = \"" + COOKIE + "\"\n"
                        + "cluster.links_per_peer = 2\n"
                        + config)
                .start();
        nodes.add(node);
        return node;
    }

    /** A connected MQTT 5 client of {@code node}, disconnected when the cluster closes. */
    Mqtt5BlockingClient client(Starling node, String id) {
        Mqtt5BlockingClient c = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(node.port())
                .buildBlocking();
        c.connect();
        return disconnectOnClose(c);
    }

    /** Disconnects {@code c} (if still connected) when the cluster closes. */
    Mqtt5BlockingClient disconnectOnClose(Mqtt5BlockingClient c) {
        clients.add(c);
        return c;
    }

    /** Waits until each of {@code nodes} sees {@code n} members. */
    static void awaitMembers(int n, Starling... nodes) {
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (Starling node : nodes) {
                if (cluster(node).memberNames().size() != n) {
                    return false;
                }
            }
            return true;
        });
    }

    static ClusterNode cluster(Starling node) {
        return node.extension(ClusterExtension.class).cluster();
    }

    /** Stops a node the way bin/starling stop does. */
    void stop(Starling node) {
        nodes.remove(node);
        node.close();
    }

    @Override
    public void close() {
        clients.forEach(c -> {
            try {
                c.disconnect();
            } catch (RuntimeException ignored) {
                // kicked, or gone with its node
            }
        });
        clients.clear();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).close();
        }
        nodes.clear();
        for (Path dir : dirs) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temp directory left behind
            }
        }
    }
}
