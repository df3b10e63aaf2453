package io.starling.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds {@code mosquitto_pub} and {@code mosquitto_sub} (Debian's {@code mosquitto-clients}) on the PATH and runs
 * them against the test node. When they are missing, tests that need them are skipped, loudly.
 */
public final class MosquittoClients {
    private static final Path PUB = find("mosquitto_pub");
    private static final Path SUB = find("mosquitto_sub");
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private MosquittoClients() {
    }

    private static Path find(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** Skips the calling test (with a line on stderr nobody can miss, once per run) unless both programs are installed. */
    public static void assumeInstalled() {
        if (PUB == null || SUB == null) {
            String why = "mosquitto-clients not installed (mosquitto_pub/mosquitto_sub not on PATH); "
                    + "install Debian's mosquitto-clients to run these tests";
            if (WARNED.compareAndSet(false, true)) {
                System.err.println("*** SKIPPED: " + why);
            }
            Assumptions.assumeTrue(false, why);
        }
    }

    /** Runs {@code mosquitto_pub} to completion; fails on a non-zero exit. */
    public static String pub(int port, String version, String... args) {
        Process p = start(PUB, port, version, args);
        return finish(p, "mosquitto_pub");
    }

    /** Runs {@code mosquitto_pub} to completion and returns its exit code and output, for refusals. */
    public static Finished pubStatus(int port, String version, String... args) {
        return waitFor(start(PUB, port, version, args), "mosquitto_pub");
    }

    /** How a client program ended. */
    public record Finished(int exitCode, String output) {
    }

    /** Starts {@code mosquitto_sub}; read its output with {@link #finish}. */
    public static Process sub(int port, String version, String... args) {
        return start(SUB, port, version, args);
    }

    private static Process start(Path program, int port, String version, String... args) {
        List<String> command = new ArrayList<>();
        command.add(program.toString());
        command.addAll(List.of("-h", "127.0.0.1", "-p", String.valueOf(port), "-V", version));
        command.addAll(Arrays.asList(args));
        try {
            return new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for the process to exit by itself; returns its output; fails on timeout or a non-zero exit. */
    public static String finish(Process p, String what) {
        Finished f = waitFor(p, what);
        if (f.exitCode() != 0) {
            throw new AssertionError(what + " exited with " + f.exitCode() + ": " + f.output());
        }
        return f.output();
    }

    private static Finished waitFor(Process p, String what) {
        try {
            if (!p.waitFor(Clients.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                String partial = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                throw new AssertionError(what + " did not exit within " + Clients.TIMEOUT + "; output: " + partial);
            }
            return new Finished(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new AssertionError(e);
        }
    }
}
