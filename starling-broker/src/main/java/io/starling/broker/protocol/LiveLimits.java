package io.starling.broker.protocol;

import io.starling.broker.config.MqttConfig;

/**
 * The protocol limits and the node's connection limit, which {@code reload} may change while the node runs: new
 * connections (and the sessions they open) take the values in force when they connect; connections already open
 * keep theirs.
 */
public final class LiveLimits {
    private volatile MqttConfig mqtt;
    private volatile int maxConnections;

    public LiveLimits(MqttConfig mqtt, int maxConnections) {
        this.mqtt = mqtt;
        this.maxConnections = maxConnections;
    }

    public MqttConfig mqtt() {
        return mqtt;
    }

    public int maxConnections() {
        return maxConnections;
    }

    public void update(MqttConfig newMqtt, int newMaxConnections) {
        this.mqtt = newMqtt;
        this.maxConnections = newMaxConnections;
    }
}
