package io.starling.broker.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The whole configuration of a node, typed and validated.
 *
 * @param ioThreads      network threads; 0 means one per available core
 * @param maxConnections connections the node holds at most, over all its listeners
 * @param controlSocket  file name of the control socket in the data directory; empty: none
 * @param sysInterval    how often the $SYS stats and metrics are published; zero: never
 * @param warmup         the connect path run before the listeners open
 * @param cluster        whether and how the node joins a cluster
 * @param stomp          the STOMP gateway (module starling-stomp)
 * @param bridges        the bridges to other brokers, by name
 * @param dashboard      the web dashboard on the management port
 */
public record BrokerConfig(
        String nodeName,
        Path dataDir,
        int ioThreads,
        int maxConnections,
        String controlSocket,
        java.time.Duration sysInterval,
        List<ListenerConfig> listeners,
        MqttConfig mqtt,
        boolean allowAnonymous,
        SecurityConfig security,
        boolean authorizationNoMatchAllows,
        List<AuthorizationRule> authorizationRules,
        StorageConfig storage,
        HooksConfig hooks,
        ModulesConfig modules,
        PluginsConfig plugins,
        ManagementConfig management,
        WarmupConfig warmup,
        ClusterConfig cluster,
        StompConfig stomp,
        List<BridgeConfig> bridges,
        DashboardConfig dashboard,
        String source) {

    public BrokerConfig {
        listeners = List.copyOf(listeners);
        authorizationRules = List.copyOf(authorizationRules);
        bridges = List.copyOf(bridges);
    }

    public BrokerConfig withListeners(List<ListenerConfig> newListeners) {
        return new BrokerConfig(nodeName, dataDir, ioThreads, maxConnections, controlSocket, sysInterval, newListeners, mqtt, allowAnonymous, security, authorizationNoMatchAllows,
                authorizationRules, storage, hooks, modules, plugins, management, warmup, cluster, stomp, bridges, dashboard, source);
    }

    public BrokerConfig withDataDir(Path newDataDir) {
        return new BrokerConfig(nodeName, newDataDir, ioThreads, maxConnections, controlSocket, sysInterval, listeners, mqtt, allowAnonymous, security, authorizationNoMatchAllows,
                authorizationRules, storage, hooks, modules, plugins, management, warmup, cluster, stomp, bridges, dashboard, source);
    }

    public BrokerConfig withStorage(StorageConfig newStorage) {
        return new BrokerConfig(nodeName, dataDir, ioThreads, maxConnections, controlSocket, sysInterval, listeners, mqtt, allowAnonymous, security, authorizationNoMatchAllows,
                authorizationRules, newStorage, hooks, modules, plugins, management, warmup, cluster, stomp, bridges, dashboard, source);
    }

    public BrokerConfig withMqtt(MqttConfig newMqtt) {
        return new BrokerConfig(nodeName, dataDir, ioThreads, maxConnections, controlSocket, sysInterval, listeners, newMqtt, allowAnonymous, security, authorizationNoMatchAllows,
                authorizationRules, storage, hooks, modules, plugins, management, warmup, cluster, stomp, bridges, dashboard, source);
    }

    public BrokerConfig withSecurity(SecurityConfig newSecurity) {
        return new BrokerConfig(nodeName, dataDir, ioThreads, maxConnections, controlSocket, sysInterval, listeners, mqtt,
                allowAnonymous, newSecurity, authorizationNoMatchAllows, authorizationRules, storage, hooks, modules,
                plugins, management, warmup, cluster, stomp, bridges, dashboard, source);
    }

    public BrokerConfig withPlugins(PluginsConfig newPlugins) {
        return new BrokerConfig(nodeName, dataDir, ioThreads, maxConnections, controlSocket, sysInterval, listeners, mqtt, allowAnonymous, security,
                authorizationNoMatchAllows, authorizationRules, storage, hooks, modules, newPlugins, management, warmup, cluster, stomp, bridges, dashboard, source);
    }

    public BrokerConfig withAuthorization(boolean noMatchAllows, List<AuthorizationRule> rules) {
        return new BrokerConfig(nodeName, dataDir, ioThreads, maxConnections, controlSocket, sysInterval, listeners, mqtt, allowAnonymous, security, noMatchAllows, rules, storage, hooks, modules, plugins, management, warmup, cluster, stomp, bridges, dashboard, source);
    }

    public BrokerConfig withManagement(ManagementConfig newManagement) {
        return new BrokerConfig(nodeName, dataDir, ioThreads, maxConnections, controlSocket, sysInterval, listeners, mqtt,
                allowAnonymous, security, authorizationNoMatchAllows, authorizationRules, storage, hooks, modules,
                plugins, newManagement, warmup, cluster, stomp, bridges, dashboard, source);
    }

    public BrokerConfig withIoThreads(int newIoThreads) {
        return new BrokerConfig(nodeName, dataDir, newIoThreads, maxConnections, controlSocket, sysInterval, listeners,
                mqtt, allowAnonymous, security, authorizationNoMatchAllows, authorizationRules, storage, hooks, modules,
                plugins, management, warmup, cluster, stomp, bridges, dashboard, source);
    }

    public BrokerConfig withMaxConnections(int newMax) {
        return new BrokerConfig(nodeName, dataDir, ioThreads, newMax, controlSocket, sysInterval, listeners, mqtt,
                allowAnonymous, security, authorizationNoMatchAllows, authorizationRules, storage, hooks, modules,
                plugins, management, warmup, cluster, stomp, bridges, dashboard, source);
    }

    public BrokerConfig withAccessDefaults(boolean newAllowAnonymous, boolean newNoMatchAllows) {
        return new BrokerConfig(nodeName, dataDir, ioThreads, maxConnections, controlSocket, sysInterval, listeners, mqtt,
                newAllowAnonymous, security, newNoMatchAllows, authorizationRules, storage, hooks, modules, plugins,
                management, warmup, cluster, stomp, bridges, dashboard, source);
    }

    public BrokerConfig withControlSocket(String newControlSocket) {
        return new BrokerConfig(nodeName, dataDir, ioThreads, maxConnections, newControlSocket, sysInterval, listeners,
                mqtt, allowAnonymous, security, authorizationNoMatchAllows, authorizationRules, storage, hooks, modules,
                plugins, management, warmup, cluster, stomp, bridges, dashboard, source);
    }

    public BrokerConfig withWarmup(WarmupConfig newWarmup) {
        return new BrokerConfig(nodeName, dataDir, ioThreads, maxConnections, controlSocket, sysInterval, listeners, mqtt,
                allowAnonymous, security, authorizationNoMatchAllows, authorizationRules, storage, hooks, modules,
                plugins, management, newWarmup, cluster, stomp, bridges, dashboard, source);
    }

    public BrokerConfig withCluster(ClusterConfig newCluster) {
        return new BrokerConfig(nodeName, dataDir, ioThreads, maxConnections, controlSocket, sysInterval, listeners, mqtt,
                allowAnonymous, security, authorizationNoMatchAllows, authorizationRules, storage, hooks, modules,
                plugins, management, warmup, newCluster, stomp, bridges, dashboard, source);
    }

    public BrokerConfig withStomp(StompConfig newStomp) {
        return new BrokerConfig(nodeName, dataDir, ioThreads, maxConnections, controlSocket, sysInterval, listeners, mqtt,
                allowAnonymous, security, authorizationNoMatchAllows, authorizationRules, storage, hooks, modules,
                plugins, management, warmup, cluster, newStomp, bridges, dashboard, source);
    }
}
