package io.starling.it.security.servers;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;

/**
 * A real redis-server (Debian's redis-server) of the test's own, on a port from the OS, with a password, in a
 * temporary directory. When it is not installed, the calling test is skipped, loudly.
 */
public final class RedisServer implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/bin/redis-server");
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private final Process process;
    private final int port;

    private RedisServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static RedisServer start(Path dir, String password) throws IOException {
        if (!Files.isExecutable(BINARY)) {
            String why = "redis-server not installed (" + BINARY + "); install Debian's redis-server to run these tests";
            Processes.skip(WARNED, why);
        }
        int port = Processes.freePort();
        Process p = new ProcessBuilder(BINARY.toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--requirepass", password,
                "--daemonize", "no").redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile())
                .start();
        RedisServer server = new RedisServer(p, port);
        Awaitility.await().atMost(10, TimeUnit.SECONDS).ignoreExceptions().until(() -> {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return true;
            }
        });
        return server;
    }

    public int port() {
        return port;
    }

    public void stop() throws InterruptedException {
        Processes.stop(process);
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
