package io.starling.testkit;

import io.starling.broker.bootstrap.Starling;
import io.starling.broker.bootstrap.StarlingBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a Starling node for JUnit 5 tests: on a port the OS chooses, with its data in a fresh temporary directory.
 * Registered as a static field it serves the whole class; as an instance field, each test gets a new node.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final StarlingExtension BROKER = StarlingExtension.create();
 *
 * @Test
 * void publishes() {
 *     connect("localhost", BROKER.port());
 * }
 * }</pre>
 */
public final class StarlingExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {

    private final UnaryOperator<StarlingBuilder> customizer;
    private Starling node;
    private Path dataDir;
    private boolean perClass;

    private StarlingExtension(UnaryOperator<StarlingBuilder> customizer) {
        this.customizer = customizer;
    }

    /** A node on the built-in defaults. */
    public static StarlingExtension create() {
        return new StarlingExtension(b -> b);
    }

    /** A node built with extra settings, e.g. {@code b -> b.config("mqtt.max_inflight = 2")}. */
    public static StarlingExtension create(UnaryOperator<StarlingBuilder> customizer) {
        return new StarlingExtension(customizer);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        perClass = true;
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!perClass) {
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            stop();
        }
    }

    private void start() {
        try {
            dataDir = Files.createTempDirectory("starling-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        node = build().start();
    }

    /**
     * Two network threads whatever the machine: a two-core CI host would otherwise run one (the default leaves a
     * core over), and the hand-off of deliveries between threads, which every multi-core node does, would go
     * untested. A customizer asks for another count with {@code b.ioThreads(n)}; {@code node.io_threads} in its
     * configuration does not count here.
     */
    private StarlingBuilder build() {
        return customizer.apply(Starling.builder().ioThreads(2)).host("127.0.0.1").port(0).dataDir(dataDir);
    }

    private void stop() {
        if (node != null) {
            node.close();
            node = null;
        }
        deleteQuietly(dataDir);
    }

    /** Restarts the node on a new port with the same data directory. */
    public void restart() {
        node.close();
        node = build().start();
    }

    public Starling node() {
        return node;
    }

    public int port() {
        return node.port();
    }

    public String host() {
        return "127.0.0.1";
    }

    /** {@code tcp://127.0.0.1:port}, as Paho wants it. */
    public String uri() {
        return "tcp://127.0.0.1:" + port();
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp directory is not worth failing a test for
        }
    }
}
