package io.starling.it.security.servers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/**
 * A real PostgreSQL server (Debian's postgresql) of the test's own: initdb in a temporary directory with a
 * password-protected user, the server on a port from the OS. PostgreSQL refuses to run as root, so under root it
 * runs as the postgres account. When it is not installed, the calling test is skipped, loudly.
 */
public final class PostgresServer implements AutoCloseable {
    public static final String USER = "starling";
    public static final String PASSWORD = "pg-secret";
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private final Process process;
    private final int port;

    private PostgresServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    private static Path bin() throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (Stream<Path> versions = Files.list(root)) {
                for (Path v : versions.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    if (Files.isExecutable(v.resolve("bin/initdb"))) {
                        return v.resolve("bin");
                    }
                }
            }
        }
        return null;
    }

    public static PostgresServer start(Path dir) throws Exception {
        Path bin = bin();
        if (bin == null) {
            String why = "PostgreSQL not installed (/usr/lib/postgresql/*/bin/initdb); install Debian's postgresql "
                    + "to run these tests";
            Processes.skip(WARNED, why);
        }
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("pw"), PASSWORD);
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            // the postgres account must reach the directory: JUnit's temporary parent is root's alone
            Processes.run(List.of("chmod", "o+x", dir.getParent().toString()), dir.resolve("chmod.log"));
            Processes.run(List.of("chown", "-R", "postgres", dir.toString()), dir.resolve("chown.log"));
        }
        Processes.run(as(root, bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", USER,
                "--pwfile=" + dir.resolve("pw"), "--auth=scram-sha-256", "-E", "UTF8"), dir.resolve("initdb.log"));
        int port = Processes.freePort();
        Process p = new ProcessBuilder(as(root, bin.resolve("postgres").toString(), "-D",
                dir.resolve("data").toString(), "-p", String.valueOf(port), "-h", "127.0.0.1", "-k", dir.toString(),
                "-c", "fsync=off")).redirectErrorStream(true).redirectOutput(dir.resolve("postgres.log").toFile())
                .start();
        Awaitility.await().atMost(30, TimeUnit.SECONDS).ignoreExceptions().until(() -> {
            try (var c = java.sql.DriverManager.getConnection(url(port, "postgres"), USER, PASSWORD)) {
                return true;
            }
        });
        return new PostgresServer(p, port);
    }

    private static List<String> as(boolean root, String... command) {
        List<String> out = new ArrayList<>();
        if (root) {
            out.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        out.addAll(List.of(command));
        return out;
    }


    public static String url(int port, String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
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
