package io.starling.broker.config;

import java.nio.file.Path;
import java.util.List;

/** The whole configuration of a node, typed and validated. */
public record BrokerConfig(
        String nodeName,
        Path dataDir,
        List<ListenerConfig> listeners,
        MqttConfig mqtt,
        boolean allowAnonymous,
        boolean authorizationNoMatchAllows,
        List<AuthorizationRule> authorizationRules,
        String source) {

    public BrokerConfig {
        listeners = List.copyOf(listeners);
        authorizationRules = List.copyOf(authorizationRules);
    }

    public BrokerConfig withListeners(List<ListenerConfig> newListeners) {
        return new BrokerConfig(nodeName, dataDir, newListeners, mqtt, allowAnonymous, authorizationNoMatchAllows,
                authorizationRules, source);
    }

    public BrokerConfig withDataDir(Path newDataDir) {
        return new BrokerConfig(nodeName, newDataDir, listeners, mqtt, allowAnonymous, authorizationNoMatchAllows,
                authorizationRules, source);
    }

    public BrokerConfig withMqtt(MqttConfig newMqtt) {
        return new BrokerConfig(nodeName, dataDir, listeners, newMqtt, allowAnonymous, authorizationNoMatchAllows,
                authorizationRules, source);
    }

    public BrokerConfig withAuthorization(boolean noMatchAllows, List<AuthorizationRule> rules) {
        return new BrokerConfig(nodeName, dataDir, listeners, mqtt, allowAnonymous, noMatchAllows, rules, source);
    }
}
