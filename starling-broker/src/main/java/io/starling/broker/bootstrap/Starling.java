package io.starling.broker.bootstrap;

import io.starling.api.auth.Authenticator;
import io.starling.api.auth.Authorizer;
import io.starling.api.hook.HookListener;
import io.starling.api.store.RetainedStore;
import io.starling.api.store.Storage;
import io.starling.broker.config.BrokerConfig;
import io.starling.broker.config.ConfigLoader;
import io.starling.api.hook.HookOptions;
import io.starling.broker.config.ListenerConfig;
import io.starling.broker.config.ModulesConfig;
import io.starling.broker.control.ControlCommands;
import io.starling.broker.control.ControlServer;
import io.starling.broker.module.AutoSubscribe;
import io.starling.broker.plugin.PluginManager;
import io.starling.broker.security.AclAuthorizer;
import io.starling.broker.security.PasswordAuthenticator;
import io.starling.broker.security.UserDatabase;
import io.starling.broker.config.ConfigurationException;
import io.starling.broker.module.DelayedPublisher;
import io.starling.broker.module.PresenceModule;
import io.starling.broker.module.TopicRewrite;
import io.starling.broker.hook.Hooks;
import io.starling.broker.metrics.BrokerMetrics;
import io.starling.broker.protocol.BrokerServices;
import io.starling.broker.retain.InMemoryRetainedStore;
import io.starling.broker.retain.RetainedMessages;
import io.starling.broker.routing.MessageDispatcher;
import io.starling.broker.routing.PublishGate;
import io.starling.broker.routing.Router;
import io.starling.broker.security.AuthenticationChain;
import io.starling.broker.security.FailedLogins;
import io.starling.broker.security.AuthorizationChain;
import io.starling.broker.security.RuleAuthorizer;
import io.starling.broker.session.DeliveryEvents;
import io.starling.broker.session.SessionRegistry;
import io.starling.broker.session.SessionSettings;
import io.starling.broker.storage.NodeStorage;
import io.starling.broker.cluster.ClusterView;
import io.starling.broker.extension.NodeExtension;
import io.starling.broker.protocol.LiveLimits;
import io.starling.broker.sys.BrokerStats;
import io.starling.broker.sys.SysPublisher;
import io.starling.broker.storage.StorageOpener;
import io.starling.broker.transport.EventLoops;
import io.starling.broker.transport.MqttListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.ServiceLoader;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Starling node, and the embedding API: the one place where the parts are wired together.
 *
 * <pre>{@code
 * try (Starling node = Starling.builder().port(0).dataDir(tempDir).start()) {
 *     int port = node.port();
 * }
 * }</pre>
 */
public final class Starling implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Starling.class);

    /** In force: what the node started with, and the limits reload changed since. */
    private volatile BrokerConfig config;
    private final BrokerServices services;
    private final EventLoops loops;
    private final ScheduledExecutorService scheduler;
    private final PluginManager plugins;
    private final UserDatabase users;
    private final ThreadPoolExecutor authThreads;
    private ControlServer control;
    /** Runs blocking hooks, off the network threads. */
    private final ThreadPoolExecutor hookThreads;
    private final List<MqttListener> listeners = new ArrayList<>();
    private final List<NodeExtension> extensions = new ArrayList<>();
    private final Storage storage;
    private final RetainedStore retainedStore;
    private final RetainedMessages retained;
    private final BrokerStats stats;
    private AclAuthorizer acl;
    private final Reloader reloader;
    private final long startedMillis = System.currentTimeMillis();
    private volatile boolean closed;
    private volatile ClusterView cluster;
    private volatile io.starling.broker.bridge.BridgeView bridges = io.starling.broker.bridge.BridgeView.NONE;
    /**
     * A warm-up's throwaway node runs on the real node's threads (stopping threads would undo compiled code they
     * share) and logs its start and stop only at debug, so that no one mistakes it for the node.
     */
    private final boolean borrowedLoops;

    public static StarlingBuilder builder() {
        return new StarlingBuilder();
    }

    Starling(BrokerConfig config, List<Authenticator> authenticators, List<Authorizer> authorizers,
            List<HookListener> hookListeners, Storage givenStorage, RetainedStore retainedStore,
            ConfigSource reloadSource, EventLoops sharedLoops) {
        this.config = config;
        this.borrowedLoops = sharedLoops != null;
        this.reloader = new Reloader(reloadSource);
        this.retainedStore = retainedStore == null ? new InMemoryRetainedStore() : retainedStore;
        try {
            Files.createDirectories(config.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + config.dataDir(), e);
        }
        this.storage = givenStorage != null ? givenStorage : StorageOpener.open(config.storage(), config.dataDir(),
                borrowedLoops);
        NodeStorage nodeStorage = new NodeStorage(storage);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "starling-scheduler");
            t.setDaemon(true);
            return t;
        });
        AtomicInteger hookThreadCount = new AtomicInteger();
        this.hookThreads = new ThreadPoolExecutor(config.hooks().threads(), config.hooks().threads(), 60,
                TimeUnit.SECONDS, new ArrayBlockingQueue<>(config.hooks().queueSize()), r -> {
                    Thread t = new Thread(r, "starling-hook-" + hookThreadCount.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        Hooks hooks = new Hooks(hookThreads);
        hookListeners.forEach(l -> hooks.add(l, 0));
        BrokerMetrics metrics = new BrokerMetrics();
        Router router = new Router(config.mqtt().sharedStrategy());
        this.retained = new RetainedMessages(this.retainedStore, nodeStorage);
        MessageDispatcher dispatcher = new MessageDispatcher(router, retained, metrics);
        // The gate needs the authorizers, made below; a will cannot fire before the node is built.
        AtomicReference<PublishGate> gateRef = new AtomicReference<>();
        SessionRegistry sessions = new SessionRegistry(router, nodeStorage, scheduler,
                SessionSettings.from(config.mqtt()), new DeliveryEvents(hooks, metrics),
                (owner, will) -> gateRef.get().publishWill(owner, will));
        for (io.starling.broker.config.BridgeConfig bridge : config.bridges()) {
            sessions.pin(bridge.localClientId(), SessionSettings.forBridge(config.mqtt(), bridge));
        }
        AtomicInteger authThreadCount = new AtomicInteger();
        this.authThreads = new ThreadPoolExecutor(2, 2, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(10_000), r -> {
            Thread t = new Thread(r, "starling-auth-" + authThreadCount.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        AuthenticationChain authentication = new AuthenticationChain(config.allowAnonymous(),
                new FailedLogins(config.security().loginThrottle(), authThreads, metrics));
        this.users = openUsers(config);
        if (users != null) {
            authentication.add(new PasswordAuthenticator(users, authThreads, authentication::lockedOut), 100);
            scheduler.scheduleWithFixedDelay(users::reloadIfChanged, 5, 5, TimeUnit.SECONDS);
        }
        if (!config.allowAnonymous() && (users == null || users.isEmpty()) && authenticators.isEmpty()) {
            LOG.warn("anonymous access is disabled (authentication.allow_anonymous = false) and there is no user yet:"
                    + " no client can connect. Add one with: bin/starling-ctl users add <name>");
        }
        authenticators.forEach(a -> authentication.add(a, 0));
        AuthorizationChain authorization = new AuthorizationChain(config.authorizationNoMatchAllows());
        if (!config.authorizationRules().isEmpty()) {
            authorization.add(new RuleAuthorizer(config.authorizationRules()), 1000);
        }
        authorizers.forEach(a -> authorization.add(a, 0));
        if (config.security().aclFile() != null) {
            try {
                acl = new AclAuthorizer(config.security().aclFile(), authorization::rulesChanged);
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(e.getMessage(), e);
            }
            announce("authorization: {} rules from {}", acl.size(), config.security().aclFile());
            authorization.add(acl, 1100);
            scheduler.scheduleWithFixedDelay(acl::reloadIfChanged, 5, 5, TimeUnit.SECONDS);
        }
        ModulesConfig modules = config.modules();
        DelayedPublisher delayed = modules.delayedMax() == null ? null : new DelayedPublisher(modules.delayedMax(),
                modules.delayedMaxCount(), modules.delayedMaxPerClient(), scheduler,
                m -> gateRef.get().publishDue(m), nodeStorage);
        LiveLimits limits = new LiveLimits(config.mqtt(), config.maxConnections());
        PublishGate gate = new PublishGate(hooks, authorization, nodeStorage, retained, delayed, dispatcher, metrics,
                limits::mqtt);
        gateRef.set(gate);
        this.services = new BrokerServices(config.nodeName(), limits, sessions, router, retained,
                dispatcher, gate, authentication, authorization, hooks, metrics, nodeStorage, delayed,
                modules.autoSubscribe().isEmpty() ? null : new AutoSubscribe(modules.autoSubscribe()),
                config.security(), users);
        this.plugins = new PluginManager(config.plugins().dir(), config.plugins().configDir(), config.dataDir(),
                services);
        if (modules.presenceQos() >= 0) {
            hooks.add(new PresenceModule(config.nodeName(), modules.presenceQos(), dispatcher),
                    HookOptions.priority(900));
        }
        if (!modules.rewrite().isEmpty()) {
            TopicRewrite rewrite = new TopicRewrite(modules.rewrite());
            hooks.add((io.starling.api.hook.PublishInterceptor) rewrite, HookOptions.priority(TopicRewrite.PRIORITY));
            hooks.add((io.starling.api.hook.SubscribeInterceptor) rewrite,
                    HookOptions.priority(TopicRewrite.PRIORITY));
        }
        try {
            restore(sessions);
        } catch (RuntimeException e) {
            scheduler.shutdownNow();
            storage.close();
            throw e;
        }
        this.stats = new BrokerStats(metrics, sessions, router, retained);
        scheduler.scheduleWithFixedDelay(stats::sample, 1, 1, TimeUnit.SECONDS);
        SysPublisher sys = new SysPublisher(config.nodeName(), Version.current(), dispatcher, stats, metrics,
                startedMillis, () -> cluster().members().stream().filter(m -> m.state().equals("running"))
                        .map(ClusterView.Member::name).toList());
        long sysEvery = config.sysInterval().toMillis();
        if (sysEvery > 0) {
            scheduler.scheduleWithFixedDelay(() -> {
                try {
                    sys.tick();
                } catch (RuntimeException e) {
                    LOG.warn("publishing $SYS failed", e);
                }
            }, sysEvery, sysEvery, TimeUnit.MILLISECONDS);
        }
        long sweepEvery = config.mqtt().retainedSweepInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::removeExpiredRetained, sweepEvery, sweepEvery, TimeUnit.MILLISECONDS);
        this.loops = sharedLoops != null ? sharedLoops : openLoops(config);
    }

    private static EventLoops openLoops(BrokerConfig config) {
        int cores = Runtime.getRuntime().availableProcessors();
        int workers = config.ioThreads() > 0 ? config.ioThreads() : EventLoops.defaultWorkerThreads(cores);
        int acceptors = config.listeners().stream().mapToInt(ListenerConfig::acceptors).max().orElse(1);
        LOG.info("network: {} thread{} on {} core{} (node.io_threads = {})", workers, workers == 1 ? "" : "s",
                cores, cores == 1 ? "" : "s", config.ioThreads());
        return new EventLoops(acceptors, workers);
    }

    private static UserDatabase openUsers(BrokerConfig config) {
        if (config.security().passwordFile() == null) {
            return null;
        }
        try {
            return new UserDatabase(config.security().passwordFile(), config.security().passwordIterations(),
                    config.security().scramIterations());
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(e.getMessage(), e);
        }
    }

    /** What the node holds now and the most it has held. */
    public BrokerStats stats() {
        return stats;
    }

    /** When the node started, wall clock. */
    public long startedMillis() {
        return startedMillis;
    }

    /** The built-in users, or null when {@code authentication.password_file} is empty. */
    public UserDatabase users() {
        return users;
    }

    /** Puts back the retained messages and sessions the storage holds, before any client can connect. */
    private void restore(SessionRegistry sessions) {
        if (!storage.durable()) {
            return;
        }
        long started = System.nanoTime();
        long now = System.currentTimeMillis();
        long[] counts = new long[3];
        storage.forEachRetained(m -> {
            if (m.isExpired(now)) {
                storage.removeRetained(m.topic());
            } else {
                retained.restore(m);
                counts[0]++;
            }
        });
        List<Runnable> timers = new ArrayList<>();
        storage.forEachSession(s -> {
            sessions.restore(s, now, timers);
            counts[1]++;
            counts[2] += s.inflight().size() + s.queuedSeqs().length;
        });
        timers.forEach(Runnable::run);
        long[] delayedCount = new long[1];
        if (services.delayed() != null) {
            storage.forEachDelayed(d -> {
                services.delayed().restore(d);
                delayedCount[0]++;
            });
        }
        announce("restored {} sessions with {} queued or in-flight messages, {} retained and {} delayed messages"
                + " from {} in {} ms", counts[1], counts[2], counts[0], delayedCount[0], storage,
                (System.nanoTime() - started) / 1_000_000);
    }

    /** Expired retained messages nobody subscribed to would otherwise stay until a restart. */
    private void removeExpiredRetained() {
        try {
            int removed = retained.removeAllExpired(System.currentTimeMillis());
            if (removed > 0) {
                LOG.debug("removed {} expired retained messages", removed);
            }
        } catch (RuntimeException e) {
            LOG.warn("removing expired retained messages failed", e);
        }
    }

    /**
     * Starts the plugins, the control socket and the extensions, binds every listener, then (with
     * {@code node.warmup_connections}) warms up the connect path before the listeners accept, so that the first
     * client meets a complete node. On failure, releases what was started and rethrows.
     */
    Starling startListeners(boolean withExtensions) {
        plugins.startPersisted();
        if (!config.controlSocket().isEmpty()) {
            control = new ControlServer(config.dataDir().resolve(config.controlSocket()),
                    new ControlCommands(this));
            control.start();
        }
        if (withExtensions) {
            startExtensions();
        }
        try {
            for (ListenerConfig lc : config.listeners()) {
                if (lc.tls() != null && lc.tls().certFile() == null) {
                    LOG.warn("listener {} on port {} not started: it has no certificate. Set listeners.{}.{}.ssl.certfile "
                            + "and keyfile (PEM) in etc/starling.conf, or enabled = false to silence this (docs/tls.md)",
                            lc.id(), lc.port(), lc.type().key(), lc.name());
                    continue;
                }
                MqttListener listener = new MqttListener(lc, services);
                listener.start(loops, !config.warmup().enabled());
                announce("listener {} listening on {}", lc.id(), listener.description());
                listeners.add(listener);
                if (lc.tls() != null) {
                    long every = lc.tls().reloadInterval().toMillis();
                    scheduler.scheduleWithFixedDelay(listener::reloadTlsIfChanged, every, every, TimeUnit.MILLISECONDS);
                }
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        if (config.warmup().enabled()) {
            // Bound but not accepting: a port conflict fails the start at once, and no class of the listeners
            // loads after the warm-up. Clients that connect meanwhile wait in the accept queue.
            new ConnectWarmup(config, loops).run();
            listeners.forEach(MqttListener::acceptConnections);
        }
        announce("Starling {} node {} started (config: {})", Version.current(), config.nodeName(), config.source());
        return this;
    }

    private void startExtensions() {
        for (NodeExtension e : ServiceLoader.load(NodeExtension.class, Starling.class.getClassLoader())) {
            try {
                e.start(this);
                extensions.add(e);
            } catch (Exception failure) {
                close();
                if (failure instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException(e.name() + " did not start: " + failure.getMessage(), failure);
            }
        }
    }

    /** The cluster as this node sees it: itself alone unless the cluster extension runs. */
    public ClusterView cluster() {
        ClusterView view = cluster;
        return view != null ? view : ClusterView.alone(() -> new ClusterView.Member(config.nodeName(), "running",
                Version.current(), startedMillis, loops.connections().openConnections(), true, ""),
                new io.starling.broker.admin.NodeAdmin(this));
    }

    /** The node's bridges to other brokers: none unless the bridge extension runs. */
    public io.starling.broker.bridge.BridgeView bridges() {
        return bridges;
    }

    /** Installs the bridges' view (the bridge extension); null for none. */
    public void bridges(io.starling.broker.bridge.BridgeView view) {
        this.bridges = view == null ? io.starling.broker.bridge.BridgeView.NONE : view;
    }

    /** Installs the cluster's view (the cluster extension, once it has joined). */
    public void cluster(ClusterView view) {
        this.cluster = view;
    }

    /**
     * Installs the cluster's session directory, which every CONNECT asks before it opens its session (the cluster
     * extension); null puts back the node alone's, which asks no one.
     */
    public void sessionDirectory(io.starling.broker.session.SessionDirectory directory) {
        services.sessions().directory(directory);
    }

    /** The started extension of that type, or null. */
    public <T extends NodeExtension> T extension(Class<T> type) {
        for (NodeExtension e : extensions) {
            if (type.isInstance(e)) {
                return type.cast(e);
            }
        }
        return null;
    }

    /** A listener as the management API shows it. */
    public record ListenerStatus(String id, String type, String host, int port, boolean running, int connections) {
    }

    public synchronized List<ListenerStatus> listenerStatus() {
        List<ListenerStatus> out = new ArrayList<>();
        for (MqttListener l : listeners) {
            InetSocketAddress bound = l.boundAddress();
            out.add(new ListenerStatus(l.config().id(), l.config().type().key(), l.config().host(),
                    bound == null ? l.config().port() : bound.getPort(), bound != null, l.connectionCount()));
        }
        return out;
    }

    /** Stops accepting on the listener; its connected clients stay. False when there is no such listener. */
    public synchronized boolean stopListener(String id) {
        for (MqttListener l : listeners) {
            if (l.config().id().equals(id)) {
                l.stop();
                LOG.info("listener {} stopped", id);
                return true;
            }
        }
        return false;
    }

    /** Binds a stopped listener again (throws ListenerBindException when it cannot). */
    public synchronized boolean startListener(String id) {
        for (MqttListener l : listeners) {
            if (l.config().id().equals(id)) {
                if (l.boundAddress() == null) {
                    l.start(loops);
                    LOG.info("listener {} listening on {}", id, l.description());
                }
                return true;
            }
        }
        return false;
    }

    /** The port of the first listener: what a test or an embedding caller connects to. */
    public int port() {
        return listeners.get(0).boundAddress().getPort();
    }

    /** The bound address of the listener named {@code type:name}, e.g. {@code tcp:default}. */
    public InetSocketAddress address(String listenerId) {
        for (MqttListener l : listeners) {
            if (l.config().id().equals(listenerId)) {
                return l.boundAddress();
            }
        }
        throw new IllegalArgumentException("no listener " + listenerId);
    }

    /**
     * Applies what changed without dropping a client, and names what needs a restart ({@link Reloader}).
     */
    public synchronized ReloadReport reload() {
        return reloader.reload(this);
    }

    /** For {@link Reloader}: the configuration in force after a reload applied part of a new one. */
    void inForce(BrokerConfig applied) {
        this.config = applied;
    }

    List<MqttListener> listeners() {
        return listeners;
    }

    AclAuthorizer acl() {
        return acl;
    }

    /**
     * The rules of the ACL file in force ({@code security.acl_file}, read again when it changes), in the order they
     * are tried; empty when there is no file.
     */
    public List<Map<String, Object>> aclRules() {
        return acl == null ? List.of() : acl.describe();
    }

    /**
     * Reloads the certificates of every TLS listener from their files now; connected clients stay connected and
     * new connections use the new certificates. Returns the ids of the listeners reloaded; a listener whose files
     * cannot be used keeps its previous certificates (and logs why).
     */
    public List<String> reloadCertificates() {
        List<String> reloaded = new ArrayList<>();
        for (MqttListener l : listeners) {
            if (l.reloadTls()) {
                reloaded.add(l.config().id());
            }
        }
        return reloaded;
    }

    public BrokerConfig config() {
        return config;
    }

    public BrokerMetrics metrics() {
        return services.metrics();
    }

    /** The plugins in the plugins directory: list, load, unload, reload. */
    public PluginManager plugins() {
        return plugins;
    }

    /** The node's parts, for modules that extend it (management, cluster, bridges). */
    public BrokerServices services() {
        return services;
    }

    public Path dataDir() {
        return config.dataDir();
    }

    /**
     * Stops gracefully: no new connections, extensions hand work over (a cluster member its persistent sessions),
     * MQTT 5 clients told DISCONNECT 0x8B, queued writes flushed, extensions stopped, then the threads stop.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (control != null) {
            control.close();
        }
        listeners.forEach(MqttListener::stop);
        forEachExtension(NodeExtension::stopping, "prepare to stop");
        services.sessions().stopping();
        if (!borrowedLoops) {
            loops.connections().shutdownAll(Duration.ofSeconds(5));
        }
        // After the connections: what their clients published last still reaches the cluster's other nodes, and
        // what they left behind is handed over.
        forEachExtension(NodeExtension::drain, "hand its work over");
        forEachExtension(NodeExtension::close, "stop cleanly");
        plugins.stopAll();
        if (!borrowedLoops) {
            loops.close();
        }
        scheduler.shutdownNow();
        hookThreads.shutdownNow();
        authThreads.shutdownNow();
        storage.close();
        retainedStore.close();
        announce("Starling node {} stopped", config.nodeName());
    }

    private void forEachExtension(Consumer<NodeExtension> step, String what) {
        for (int i = extensions.size() - 1; i >= 0; i--) {
            try {
                step.accept(extensions.get(i));
            } catch (RuntimeException e) {
                LOG.warn("{} did not {}", extensions.get(i).name(), what, e);
            }
        }
    }

    private void announce(String format, Object... args) {
        if (borrowedLoops) {
            LOG.debug(format, args);
        } else {
            LOG.info(format, args);
        }
    }

    static BrokerConfig defaultConfig() {
        return ConfigLoader.defaults(System.getenv());
    }
}
