package io.starling.broker.session;

import io.starling.broker.config.DropPolicy;
import io.starling.broker.config.MqttConfig;

/**
 * The limits every session applies.
 *
 * @param maxQueuedBytes payload bytes its queue (heap and storage) holds at most besides the {@code maxQueued}
 *                       count; 0: no byte bound
 */
public record SessionSettings(int maxInflight, int maxQueued, long maxQueuedBytes, boolean queueQos0, DropPolicy dropPolicy,
        int maxSubscriptions, boolean pausePublishers, long stallNanos) {

    public static SessionSettings from(MqttConfig mqtt) {
        return new SessionSettings(mqtt.maxInflight(), mqtt.maxQueuedMessages(), mqtt.maxQueuedBytes(), mqtt.queueQos0(), mqtt.dropPolicy(),
                mqtt.maxSubscriptions(), mqtt.pausePublishers(), mqtt.maxPublisherPause().toNanos());
    }

    /**
     * A bridge's session: its own in-flight window and queue bound and policy; QoS 0 messages wait for the remote
     * too (within the bound), as in Mosquitto's bridges.
     */
    public static SessionSettings forBridge(MqttConfig mqtt, io.starling.broker.config.BridgeConfig bridge) {
        return new SessionSettings(bridge.maxInflight(), bridge.queueMaxMessages(), bridge.queueMaxBytes(), true, bridge.whenFull(),
                mqtt.maxSubscriptions(), mqtt.pausePublishers(), mqtt.maxPublisherPause().toNanos());
    }

    /** Backlog (handed over plus queued) from which a session asks its publishers to pause. */
    public int highWater() {
        return Math.max(1, maxQueued / 2);
    }

    /** Backlog under which paused publishers resume. */
    public int lowWater() {
        return maxQueued / 4;
    }
}
