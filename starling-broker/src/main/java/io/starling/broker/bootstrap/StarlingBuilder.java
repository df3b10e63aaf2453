package io.starling.broker.bootstrap;

import io.starling.api.auth.Authenticator;
import io.starling.api.auth.Authorizer;
import io.starling.api.hook.HookListener;
import io.starling.api.store.RetainedStore;
import io.starling.api.store.Storage;
import io.starling.broker.config.BrokerConfig;
import io.starling.broker.config.ConfigLoader;
import io.starling.broker.config.ListenerConfig;
import io.starling.broker.config.WarmupConfig;
import io.starling.broker.transport.EventLoops;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds an embedded node; everything not set comes from the built-in defaults. */
public final class StarlingBuilder {
    private BrokerConfig config;
    private String host;
    private Integer port;
    private boolean allListeners;
    private Path dataDir;
    private final List<Authenticator> authenticators = new ArrayList<>();
    private final List<Authorizer> authorizers = new ArrayList<>();
    private final List<HookListener> hooks = new ArrayList<>();
    private Storage storage;
    private String storageType;
    private Integer ioThreads;
    private RetainedStore retainedStore;
    private boolean extensions;
    private ConfigSource reloadSource;
    private EventLoops borrowedLoops;
    private boolean warmup;

    StarlingBuilder() {
    }

    /** Uses a complete configuration, e.g. from {@link ConfigLoader#load}. */
    public StarlingBuilder config(BrokerConfig brokerConfig) {
        this.config = brokerConfig;
        return this;
    }

    /** Uses HOCON text laid over the defaults, e.g. {@code "mqtt.max_inflight = 10"}. */
    public StarlingBuilder config(String hocon) {
        this.config = ConfigLoader.fromString(hocon);
        return this;
    }

    public StarlingBuilder configFile(Path file) {
        this.config = ConfigLoader.load(file, Map.of());
        this.reloadSource = ConfigSource.of(() -> ConfigLoader.load(file, Map.of()),
                () -> ConfigLoader.settings(file, Map.of()));
        return this;
    }

    /**
     * How {@code reload} (starling-ctl reload, SIGHUP) reads the configuration again, to name the settings that
     * changed; it must give what {@link #config} was given, paths resolved the same way.
     */
    public StarlingBuilder reloadSource(ConfigSource source) {
        this.reloadSource = source;
        return this;
    }

    /**
     * With {@link #host} and {@link #port}, keeps every configured listener and moves each to that host and port
     * (0: each gets its own from the OS; read them back with {@link Starling#address}), instead of starting only
     * the first one.
     */
    public StarlingBuilder allListeners() {
        this.allListeners = true;
        return this;
    }

    /** The port of the single TCP listener; 0 lets the OS choose (read it back with {@link Starling#port()}). */
    public StarlingBuilder port(int tcpPort) {
        this.port = tcpPort;
        return this;
    }

    public StarlingBuilder host(String bindHost) {
        this.host = bindHost;
        return this;
    }

    public StarlingBuilder dataDir(Path dir) {
        this.dataDir = dir;
        return this;
    }

    public StarlingBuilder authenticator(Authenticator authenticator) {
        authenticators.add(authenticator);
        return this;
    }

    public StarlingBuilder authorizer(Authorizer authorizer) {
        authorizers.add(authorizer);
        return this;
    }

    public StarlingBuilder hookListener(HookListener listener) {
        hooks.add(listener);
        return this;
    }

    /** Uses this storage instead of opening the one {@code storage.type} names; the node closes it. */
    public StarlingBuilder storage(Storage nodeStorage) {
        this.storage = nodeStorage;
        return this;
    }

    /** Overrides {@code storage.type}: {@code rocksdb} or {@code memory}. */
    public StarlingBuilder storageType(String type) {
        this.storageType = type;
        return this;
    }

    /**
     * Starts the {@link io.starling.broker.extension.NodeExtension}s on the class path (the management server, ...)
     * with the node, as {@code bin/starling} does; off by default for an embedded node.
     */
    public StarlingBuilder extensions(boolean start) {
        this.extensions = start;
        return this;
    }

    /**
     * Warms up the connect path before the listeners accept ({@code node.warmup_connections}), as
     * {@code bin/starling} does; off by default for an embedded node, so that tests start at once.
     */
    public StarlingBuilder warmup(boolean run) {
        this.warmup = run;
        return this;
    }

    /** Overrides {@code node.io_threads}: how many network threads the node runs (0: one per core but one). */
    public StarlingBuilder ioThreads(int threads) {
        if (threads < 0) {
            throw new IllegalArgumentException("ioThreads must be 0 or more, not " + threads);
        }
        this.ioThreads = threads;
        return this;
    }

    public StarlingBuilder retainedStore(RetainedStore store) {
        this.retainedStore = store;
        return this;
    }

    /**
     * For a throwaway node (the warm-up's): runs on another node's network threads and leaves them running when
     * it closes; its start and stop are logged at debug only.
     */
    StarlingBuilder borrowing(EventLoops loops) {
        this.borrowedLoops = loops;
        return this;
    }

    /** Starts the node; listeners are bound when this returns. */
    public Starling start() {
        BrokerConfig effective = config != null ? config : ConfigLoader.defaults(Map.of());
        if (allListeners && (port != null || host != null)) {
            List<ListenerConfig> moved = new ArrayList<>();
            for (ListenerConfig l : effective.listeners()) {
                moved.add(l.withAddress(host != null ? host : l.host(), port != null ? port : l.port()));
            }
            effective = effective.withListeners(moved);
        } else if (port != null || host != null) {
            ListenerConfig first = effective.listeners().isEmpty() ? ListenerConfig.tcp("default", "0.0.0.0", 1883)
                    : effective.listeners().get(0);
            ListenerConfig single = first.withAddress(host != null ? host : first.host(),
                    port != null ? port : first.port());
            effective = effective.withListeners(List.of(single));
        }
        if (dataDir != null) {
            effective = effective.withDataDir(dataDir);
        }
        if (!warmup) {
            effective = effective.withWarmup(WarmupConfig.OFF);
        }
        if (storageType != null) {
            effective = effective.withStorage(effective.storage().withType(storageType));
        }
        if (ioThreads != null) {
            effective = effective.withIoThreads(ioThreads);
        }
        return new Starling(effective, authenticators, authorizers, hooks, storage, retainedStore, reloadSource,
                borrowedLoops).startListeners(extensions);
    }
}
