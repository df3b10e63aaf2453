package io.starling.broker.session;

import io.starling.broker.config.DropPolicy;
import io.starling.broker.config.MqttConfig;

/** The limits every session applies. */
public record SessionSettings(int maxInflight, int maxQueued, boolean queueQos0, DropPolicy dropPolicy,
        int maxSubscriptions) {

    public static SessionSettings from(MqttConfig mqtt) {
        return new SessionSettings(mqtt.maxInflight(), mqtt.maxQueuedMessages(), mqtt.queueQos0(), mqtt.dropPolicy(),
                mqtt.maxSubscriptions());
    }
}
