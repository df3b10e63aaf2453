package io.starling.it.security.servers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;

/**
 * A real MariaDB server (Debian's mariadb-server) of the test's own: a fresh data directory, the server on a port
 * from the OS and a socket in the directory, a {@code starling} account for the plugin and a {@code mqtt}
 * database. SQL is run with the {@code mariadb} client over the socket. Skipped, loudly, when not installed.
 */
public final class MariaDbServer implements AutoCloseable {
    public static final String USER = "starling";
    public static final String PASSWORD = "maria-secret";
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private final Process process;
    private final Path dir;
    private final int port;

    private MariaDbServer(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    public static MariaDbServer start(Path dir) throws Exception {
        if (!Files.isExecutable(Path.of("/usr/sbin/mariadbd")) || !Files.isExecutable(Path.of("/usr/bin/mariadb"))) {
            String why = "MariaDB not installed (/usr/sbin/mariadbd, /usr/bin/mariadb); install Debian's "
                    + "mariadb-server to run these tests";
            Processes.skip(WARNED, why);
        }
        Files.createDirectories(dir);
        boolean root = "root".equals(System.getProperty("user.name"));
        List<String> install = new ArrayList<>(List.of("mariadb-install-db", "--no-defaults",
                "--datadir=" + dir.resolve("data"), "--auth-root-authentication-method=normal", "--skip-test-db"));
        if (root) {
            install.add("--user=root");
        }
        Processes.run(install, dir.resolve("install.log"));
        int port = Processes.freePort();
        List<String> server = new ArrayList<>(List.of("/usr/sbin/mariadbd", "--no-defaults",
                "--datadir=" + dir.resolve("data"), "--port=" + port, "--bind-address=127.0.0.1",
                "--socket=" + dir.resolve("sock"), "--pid-file=" + dir.resolve("pid")));
        if (root) {
            server.add("--user=root");
        }
        Process p = new ProcessBuilder(server).redirectErrorStream(true)
                .redirectOutput(dir.resolve("mariadbd.log").toFile()).start();
        MariaDbServer db = new MariaDbServer(p, dir, port);
        Awaitility.await().atMost(30, TimeUnit.SECONDS).ignoreExceptions().until(() -> {
            db.sql("", "select 1");
            return true;
        });
        db.sql("", "create user '" + USER + "'@'127.0.0.1' identified by '" + PASSWORD + "';"
                + " create database mqtt; grant select on mqtt.* to '" + USER + "'@'127.0.0.1';");
        return db;
    }

    /** Runs SQL as the server's root over the socket. */
    public void sql(String database, String sql) throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/mariadb", "--no-defaults", "-S",
                dir.resolve("sock").toString(), "-u", "root"));
        if (!database.isEmpty()) {
            command.add(database);
        }
        command.addAll(List.of("-e", sql));
        Processes.run(command, dir.resolve("sql.log"));
    }


    public String url() {
        return "jdbc:mariadb://127.0.0.1:" + port + "/mqtt";
    }

    public void stop() throws InterruptedException {
        Processes.stop(process);
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
