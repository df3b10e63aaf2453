package io.starling.bridge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's Mosquitto broker ({@code /usr/sbin/mosquitto}) on a port from the OS, with a temporary configuration and
 * persistence directory; stopped with SIGTERM (it saves its persistence then) and started again on the same port.
 * Tests that need it are skipped, loudly, when it is not installed.
 */
final class Mosquitto implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/sbin/mosquitto");

    private final Path dir;
    private final int port;
    private final String extra;
    private Process process;

    private Mosquitto(int port, String extra) throws IOException {
        this.dir = Files.createTempDirectory("mosquitto-test");
        this.port = port;
        this.extra = extra;
    }

    static void assumeInstalled() {
        if (!Files.isExecutable(BINARY)) {
            String why = "Mosquitto not installed (" + BINARY + "); install Debian's mosquitto to run the bridge tests";
            System.err.println("*** SKIPPED: " + why);
            Assumptions.assumeTrue(false, why);
        }
    }

    /** A port the OS had free a moment ago, for a broker to be started later. */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts Mosquitto on a free port; {@code extra} is more configuration (a bridge). */
    static Mosquitto start(String extra) throws IOException {
        return startOn(freePort(), extra);
    }

    /** Prepares Mosquitto for {@code port} without starting it. */
    static Mosquitto on(int port, String extra) throws IOException {
        assumeInstalled();
        return new Mosquitto(port, extra);
    }

    static Mosquitto startOn(int port, String extra) throws IOException {
        Mosquitto m = on(port, extra);
        m.start();
        return m;
    }

    int port() {
        return port;
    }

    void start() throws IOException {
        Path conf = dir.resolve("mosquitto.conf");
        // Run as root (CI containers), Mosquitto would drop to user "mosquitto", which cannot write the temp dir.
        Files.writeString(conf, "user " + System.getProperty("user.name") + "\n"
                + "listener " + port + " 127.0.0.1\nallow_anonymous true\npersistence true\n"
                + "persistence_location " + dir + "/\nmax_queued_messages 0\nmax_inflight_messages 20\n"
                + "log_dest file " + dir.resolve("mosquitto.log") + "\nlog_type all\n" + extra + "\n");
        process = new ProcessBuilder(BINARY.toString(), "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(this::accepting);
    }

    private boolean accepting() {
        if (!process.isAlive()) {
            throw new IllegalStateException("mosquitto exited: " + log());
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** SIGTERM: Mosquitto saves its persistence and exits. */
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    String log() {
        try {
            Path log = dir.resolve("mosquitto.log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp directory is not worth failing a test for
        }
    }
}
