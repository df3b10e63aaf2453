package io.starling.it.bridge;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's Mosquitto broker ({@code /usr/sbin/mosquitto}, package {@code mosquitto}) run as a process on a port
 * from the OS, with a configuration written to a directory of the test's. Tests that need it are skipped, loudly,
 * when it is not installed.
 */
record MosquittoBroker(Process process, int port, Path logFile) implements AutoCloseable {
    private static final Path PROGRAM = find();
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private static Path find() {
        Path debian = Path.of("/usr/sbin/mosquitto");
        if (Files.isExecutable(debian)) {
            return debian;
        }
        String path = System.getenv("PATH");
        for (String dir : path == null ? new String[0] : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "mosquitto");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** Skips the calling test (with a line on stderr nobody can miss, once per run) unless Mosquitto is installed. */
    static void assumeInstalled() {
        if (PROGRAM == null) {
            String why = "mosquitto not installed (neither /usr/sbin/mosquitto nor mosquitto on PATH); "
                    + "install Debian's mosquitto to run the bridge tests";
            if (WARNED.compareAndSet(false, true)) {
                System.err.println("*** SKIPPED: " + why);
            }
            Assumptions.assumeTrue(false, why);
        }
    }

    /**
     * Starts Mosquitto in {@code dir} with a listener on 127.0.0.1, anonymous clients allowed, no persistence, a
     * verbose log, and {@code more} (a bridge's {@code connection} section) after that; returns once it listens.
     */
    static MosquittoBroker start(Path dir, String more) {
        assumeInstalled();
        int port = freePort();
        Path log = dir.resolve("mosquitto.log");
        Path conf = dir.resolve("mosquitto.conf");
        String config = String.join("\n",
                "listener " + port + " 127.0.0.1",
                "allow_anonymous true",
                "persistence false",
                // Run as root (a container), Mosquitto would drop to the user "mosquitto", which may not exist.
                "user root",
                "log_dest file " + log,
                "log_type all",
                "",
                more,
                "");
        try {
            Files.writeString(conf, config);
            Process p = new ProcessBuilder(PROGRAM.toString(), "-c", conf.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("mosquitto.out").toFile()).start();
            MosquittoBroker broker = new MosquittoBroker(p, port, log);
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                    .until(() -> !p.isAlive() || listening(port));
            if (!p.isAlive()) {
                throw new AssertionError("mosquitto exited with " + p.exitValue() + ": "
                        + Files.readString(dir.resolve("mosquitto.out")) + broker.log());
            }
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Mosquitto's log so far, for assertion messages. */
    String log() {
        try {
            return Files.exists(logFile) ? Files.readString(logFile) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** Ends it as a crash would (SIGKILL): its bridge's will fires on the remote. */
    void kill() {
        process.destroyForcibly();
        waitForExit();
    }

    @Override
    public void close() {
        process.destroy();
        waitForExit();
    }

    private void waitForExit() {
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
