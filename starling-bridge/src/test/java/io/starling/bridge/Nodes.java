package io.starling.bridge;

import io.starling.api.auth.Authorizer;
import io.starling.broker.bootstrap.Starling;
import io.starling.broker.bootstrap.StarlingBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;

/** Starling nodes with their extensions (the bridges), each on a port from the OS in a temp directory. */
final class Nodes implements AutoCloseable {
    private final List<Starling> nodes = new ArrayList<>();
    private final List<Path> dirs = new ArrayList<>();

    /** A node with {@code hocon} over the defaults (management off: it would take a fixed port). */
    Starling start(String hocon) {
        return startWithManagement("management.enabled = false\n" + hocon);
    }

    /** A node with {@code hocon} (management off) whose authorization {@code authorizer} decides first. */
    Starling start(String hocon, Authorizer authorizer) {
        return startIn("management.enabled = false\n" + hocon, newDir(), b -> b.authorizer(authorizer));
    }

    /** A node with {@code hocon}, which sets the management API's port and files. */
    Starling startWithManagement(String hocon) {
        return startIn(hocon, newDir(), b -> b);
    }

    private Path newDir() {
        try {
            Path dir = Files.createTempDirectory("starling-bridge-test");
            dirs.add(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops {@code node} and starts it again on the same port, data directory and configuration. */
    Starling restart(Starling node) {
        int port = node.port();
        node.close();
        nodes.remove(node);
        Starling again = Starling.builder().config(node.config()).extensions(true).ioThreads(2).host("127.0.0.1")
                .port(port).dataDir(node.dataDir()).start();
        nodes.add(again);
        return again;
    }

    private Starling startIn(String hocon, Path dir, UnaryOperator<StarlingBuilder> more) {
        Starling node = more.apply(Starling.builder().config(hocon).extensions(true).ioThreads(2).host("127.0.0.1")
                .port(0).dataDir(dir)).start();
        nodes.add(node);
        return node;
    }

    /** A bridge named {@code name} to {@code host:port} with the given rules and more settings. */
    static String bridge(String name, int port, String protocol, String more, String... rules) {
        StringBuilder r = new StringBuilder();
        for (String rule : rules) {
            r.append(r.length() == 0 ? "" : ", ").append('"').append(rule.replace("\"", "\\\"")).append('"');
        }
        return "bridges." + name + " {\n addresses = [\"127.0.0.1:" + port + "\"]\n protocol = \"" + protocol
                + "\"\n reconnect { min = 100ms, max = 500ms }\n keepalive = 10s\n topics = [" + r + "]\n" + more
                + "\n}\n";
    }

    @Override
    public void close() {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).close();
        }
        for (Path dir : dirs) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a leftover temp directory is not worth failing a test for
            }
        }
    }
}
