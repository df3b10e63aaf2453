package io.starling.broker.bootstrap;

import io.starling.api.store.StorageException;
import io.starling.broker.config.BrokerConfig;
import io.starling.broker.config.ConfigLoader;
import io.starling.broker.config.ConfigurationException;
import io.starling.broker.transport.ListenerBindException;
import io.starling.broker.transport.TlsSetupException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code starling [-c FILE]}: runs a node in the foreground until it is told to stop. */
@Command(name = "starling", mixinStandardHelpOptions = true, versionProvider = StarlingMain.VersionProvider.class,
        description = "Runs a Starling MQTT broker node in the foreground.")
public final class StarlingMain implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(StarlingMain.class);
    static final int CONFIG_ERROR = 2;
    static final int START_ERROR = 3;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Configuration file (default: $STARLING_CONFIG, else etc/starling.conf)")
    private Path configFile;

    public static void main(String[] args) {
        System.exit(new CommandLine(new StarlingMain()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        Map<String, String> env = System.getenv();
        BrokerConfig config;
        try {
            config = loadConfig(env);
        } catch (ConfigurationException e) {
            System.err.println("starling: configuration error: " + e.getMessage());
            LOG.error("configuration error: {}", e.getMessage());
            return CONFIG_ERROR;
        }
        Starling node;
        try {
            node = Starling.builder().config(resolved(config)).reloadSource(ConfigSource.of(
                    () -> resolved(loadConfig(env)), () -> ConfigLoader.settings(configFile(env), env)))
                    .extensions(true).warmup(true).start();
        } catch (ListenerBindException | StorageException | TlsSetupException e) {
            System.err.println("starling: " + e.getMessage());
            LOG.error("{}", e.getMessage());
            return START_ERROR;
        }
        reloadOnHangUp(node);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "starling-shutdown"));
        stopped.await();
        return 0;
    }

    /** Relative paths resolved against the installation. */
    private static BrokerConfig resolved(BrokerConfig config) {
        return config.withDataDir(resolveHome(config.dataDir()))
                .withListeners(config.listeners().stream()
                        .map(l -> l.tls() == null ? l : l.withTls(l.tls().under(StarlingMain::resolveHome)))
                        .toList())
                .withPlugins(config.plugins().under(StarlingMain::resolveHome))
                .withSecurity(config.security().under(StarlingMain::resolveHome))
                .withCluster(config.cluster().under(StarlingMain::resolveHome))
                .withStomp(config.stomp().under(StarlingMain::resolveHome));
    }

    /** {@code -c}, else {@code STARLING_CONFIG}, else etc/starling.conf when it exists; null: the defaults. */
    private Path configFile(Map<String, String> env) {
        return ConfigPaths.configFile(configFile, env, resolveHome(Path.of("")));
    }

    private BrokerConfig loadConfig(Map<String, String> env) {
        Path file = configFile(env);
        if (file == null) {
            LOG.warn("no configuration file at {}; running on the built-in defaults",
                    resolveHome(Path.of("etc", "starling.conf")));
            return ConfigLoader.defaults(env);
        }
        return ConfigLoader.load(file, env);
    }

    /**
     * SIGHUP ({@code bin/starling reload}) does what {@code starling-ctl reload} does: the ACL and password
     * files, TLS certificates and logging again, the settings that need a restart named; connected clients stay. Where the JVM offers no signal
     * handling, the files are still picked up by the periodic check.
     */
    @SuppressWarnings("removal")
    private static void reloadOnHangUp(Starling node) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> node.reload()); // it logs what it did
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            LOG.debug("no SIGHUP handling here: {}", e.toString());
        }
    }

    /** Resolves a relative path against {@code starling.home} when the start script set it. */
    private static Path resolveHome(Path path) {
        String home = System.getProperty("starling.home");
        return path.isAbsolute() || home == null ? path : Path.of(home).resolve(path);
    }

    /** Supplies {@code --version}. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"Starling " + Version.current()};
        }
    }
}
