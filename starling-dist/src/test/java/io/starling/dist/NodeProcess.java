package io.starling.dist;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The packaged node ({@code target/starling/bin/starling console}) run as a separate process, with its own home
 * (etc/ copied, lib/ and plugins/ linked, data/ and log/ its own) and a listener on a port the OS chooses.
 */
final class NodeProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listener (\\w+:\\w+) listening on [^:]+:(\\d+)");
    private static final Pattern MANAGEMENT = Pattern.compile("management API listening on [^:]+:(\\d+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path home;
    private final Map<String, String> env;
    /** The node's configuration file ({@code -c}), null for the home's etc/starling.conf. */
    private final Path config;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private Process process;
    private final Map<String, Integer> ports = new ConcurrentHashMap<>();

    private NodeProcess(Path home, Map<String, String> env, Path config) {
        this.home = home;
        this.env = env;
        this.config = config;
    }

    static Path dist() {
        return Path.of(System.getProperty("starling.dist", "target/starling")).toAbsolutePath();
    }

    /** A home under {@code dir} for the packaged node; {@code env} holds extra {@code STARLING_*} settings. */
    static NodeProcess in(Path dir, Map<String, String> env) {
        Path home = dir.resolve("home");
        try {
            Files.createDirectories(home.resolve("etc"));
            Files.createSymbolicLink(home.resolve("lib"), dist().resolve("lib"));
            Files.createSymbolicLink(home.resolve("plugins"), dist().resolve("plugins"));
            Path etc = dist().resolve("etc");
            try (Stream<Path> files = Files.walk(etc)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Path to = home.resolve("etc").resolve(etc.relativize(f).toString());
                    if (Files.isDirectory(f)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(f, to);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new NodeProcess(home, env, null);
    }

    /**
     * Another node of this installation, run as {@code bin/starling -c config console}: the file gives it its own
     * name, data directory and ports (several nodes from one installation).
     */
    NodeProcess withConfig(Path config, Map<String, String> env) {
        return new NodeProcess(home, env, config);
    }

    Path home() {
        return home;
    }

    /** The packaged node's command in this home, after {@code prefix} (e.g. runuser), with the tests' settings. */
    private ProcessBuilder builder(List<String> prefix) {
        List<String> command = new java.util.ArrayList<>(prefix);
        command.add(dist().resolve("bin/starling").toString());
        if (config != null) {
            command.add("-c");
            command.add(config.toString());
        }
        command.add("console");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("STARLING_HOME", home.toString());
        for (String type : List.of("TCP", "SSL", "WS", "WSS")) {
            pb.environment().put("STARLING_LISTENERS__" + type + "__DEFAULT__BIND", "127.0.0.1:0");
        }
        pb.environment().put("STARLING_MANAGEMENT__BIND", "127.0.0.1:0");
        // The shipped config refuses anonymous clients; the tests that need users say so in their env.
        pb.environment().put("STARLING_AUTHENTICATION__ALLOW_ANONYMOUS", "true");
        // Seconds per start; WarmupTest covers the warm-up, WarmupIT that bin/starling runs it.
        pb.environment().put("STARLING_NODE__WARMUP_CONNECTIONS", "0");
        pb.environment().put("STARLING_JAVA_OPTS", "-Xms64m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
        pb.environment().putAll(env);
        return pb;
    }

    /** What a node that was meant not to start printed, and its exit code. */
    record Exit(int code, String output) {
    }

    /** Runs the node, behind {@code prefix}, until it exits by itself: for start-ups that must fail. */
    Exit runUntilExit(List<String> prefix) {
        try {
            Process p = builder(prefix).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("the node did not exit within 60 s");
            }
            return new Exit(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Starts the node and waits until it serves; fails with its output when it does not. */
    NodeProcess start() {
        output.clear();
        ports.clear();
        ProcessBuilder pb = builder(List.of());
        CountDownLatch started = new CountDownLatch(1);
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Process p = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    output.add(line);
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        ports.put(m.group(1), Integer.parseInt(m.group(2)));
                    }
                    Matcher api = MANAGEMENT.matcher(line);
                    if (api.find()) {
                        ports.put("management", Integer.parseInt(api.group(1)));
                    }
                    if (line.contains(" started (config: ")) {
                        started.countDown();
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
            started.countDown();
        }, "node-output");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!started.await(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || !process.isAlive() || !ports.containsKey("tcp:default")) {
                process.destroyForcibly();
                throw new AssertionError("the node did not start; its output:\n" + String.join("\n", output));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return this;
    }

    /** The port of {@code tcp:default}. */
    int port() {
        return port("tcp:default");
    }

    /** The port the listener {@code type:name} bound, as its start-up line says. */
    int port(String listener) {
        Integer p = ports.get(listener);
        if (p == null) {
            throw new AssertionError("no listener " + listener + " started; output:\n" + String.join("\n", output));
        }
        return p;
    }

    long pid() {
        return process.pid();
    }

    List<String> output() {
        return List.copyOf(output);
    }

    /** SIGKILL: no shutdown hook, nothing flushed. */
    void kill() {
        process.destroyForcibly();
        waitFor();
    }

    /** SIGTERM: the graceful stop. */
    void stop() {
        process.destroy();
        waitFor();
    }

    private void waitFor() {
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("the node did not exit within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            kill();
        }
    }
}
