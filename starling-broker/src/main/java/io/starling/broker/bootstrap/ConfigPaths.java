package io.starling.broker.bootstrap;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.starling.broker.config.ConfigLoader;
import io.starling.broker.config.ConfigurationException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where a node of an installation keeps its pid file, control socket and log, read from its configuration with
 * the node's own loader (includes and {@code STARLING_*} overrides honoured) and resolved as the node resolves
 * them: several nodes run from one installation, each found by its configuration file.
 *
 * <p>{@code bin/starling} runs {@link #main} before every command but {@code version}; {@code starling-ctl}
 * calls {@link #of} for the control socket.
 */
public final class ConfigPaths {
    /** The exit code of {@link #main} for a configuration that cannot be read, as the node's own. */
    static final int CONFIG_ERROR = 2;

    /**
     * A node's directories and control socket, absolute.
     *
     * @param dataDir       {@code node.data_dir}: the pid file, the control socket, the storage
     * @param logDir        {@code node.log_dir}, or for "": the installation's log/ when the data directory is
     *                      the installation's data/, else log/ in the data directory (so that two nodes never
     *                      share a log file)
     * @param controlSocket {@code node.control_socket} in the data directory; starling.sock when turned off, where
     *                      nothing listens
     */
    public record NodePaths(Path dataDir, Path logDir, Path controlSocket) {
    }

    private ConfigPaths() {
    }

    /**
     * {@code bin/starling}'s helper: prints the data directory and the log directory of the node that {@code [FILE]}
     * (else {@code STARLING_CONFIG}, else etc/starling.conf) configures, one a line, relative paths resolved
     * against {@code -Dstarling.home}; exit code 2 and the reason when the configuration cannot be read.
     */
    public static void main(String[] args) {
        if (args.length > 1) {
            System.err.println("usage: ConfigPaths [FILE]");
            System.exit(64);
        }
        String home = System.getProperty("starling.home");
        // Standard output carries the answer alone: whatever a library prints goes to standard error.
        PrintStream answer = System.out;
        System.setOut(System.err);
        try {
            NodePaths paths = of(args.length == 1 ? Path.of(args[0]) : null, System.getenv(),
                    Path.of(home == null ? "" : home));
            for (Path p : new Path[] {paths.dataDir(), paths.logDir()}) {
                // One path a line: a line break inside one would be read as two.
                if (p.toString().contains("\n")) {
                    throw new ConfigurationException("a line break in a path is not supported: " + p);
                }
            }
            answer.println(paths.dataDir());
            answer.println(paths.logDir());
            answer.flush();
        } catch (ConfigurationException e) {
            System.err.println("starling: configuration error: " + e.getMessage());
            System.exit(CONFIG_ERROR);
        }
    }

    /**
     * The paths of the node configured by {@code file} (null: {@code STARLING_CONFIG}, else etc/starling.conf in
     * {@code home} when it exists, else the defaults) with {@code env}'s overrides, relative paths resolved
     * against {@code home}. Only these settings are read: the node checks the others when it starts, and a node
     * whose file has since been broken elsewhere can still be found and stopped.
     *
     * @throws ConfigurationException when the file cannot be read or one of these settings is not a string
     */
    public static NodePaths of(Path file, Map<String, String> env, Path home) {
        Map<String, String> settings = ConfigLoader.settings(configFile(file, env, home), env);
        Path base = home.toAbsolutePath();
        Path data = base.resolve(string(settings, "node.data_dir")).normalize();
        String logDir = string(settings, "node.log_dir");
        Path log = !logDir.isEmpty() ? base.resolve(logDir).normalize()
                : data.equals(base.resolve("data").normalize()) ? base.resolve("log") : data.resolve("log");
        String socket = string(settings, "node.control_socket").trim();
        return new NodePaths(data, log, data.resolve(socket.isEmpty() ? "starling.sock" : socket));
    }

    /** A setting as {@link ConfigLoader#settings} renders it (HOCON), read back as the string it holds. */
    private static String string(Map<String, String> settings, String path) {
        try {
            return ConfigFactory.parseString("v = " + settings.get(path)).getString("v");
        } catch (ConfigException e) {
            throw new ConfigurationException(path + " must be a string, not " + settings.get(path), e);
        }
    }

    /** {@code file}, else {@code STARLING_CONFIG}, else etc/starling.conf in {@code home} when it exists; else null. */
    static Path configFile(Path file, Map<String, String> env, Path home) {
        if (file != null) {
            return file;
        }
        if (env.get("STARLING_CONFIG") != null) {
            return Path.of(env.get("STARLING_CONFIG"));
        }
        Path fallback = home.resolve(Path.of("etc", "starling.conf"));
        return Files.exists(fallback) ? fallback : null;
    }
}
