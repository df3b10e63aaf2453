package io.starling.broker.config;

import java.time.Duration;

/**
 * Protocol limits and capabilities, from the {@code mqtt} section.
 *
 * @param maxQueuedBytes         payload bytes a session's queue holds at most, besides its count bound (0: none)
 * @param maxRetainedMessages    retained messages the node holds; a retained PUBLISH to a new topic beyond them is
 *                               refused (0: no limit)
 * @param maxRetainedPayloadSize largest payload a retained message may have, in bytes
 */
public record MqttConfig(
        int maxPacketSize,
        int maxClientIdLength,
        int maxTopicLevels,
        int maxSubscriptions,
        int maxInflight,
        int receiveMaximum,
        int maxQueuedMessages,
        long maxQueuedBytes,
        boolean queueQos0,
        DropPolicy dropPolicy,
        int maxTopicAlias,
        int maxQos,
        boolean retainAvailable,
        Duration retainedSweepInterval,
        boolean wildcardSubscription,
        boolean sharedSubscription,
        SharedStrategy sharedStrategy,
        double keepAliveMultiplier,
        int maxKeepAlive,
        long maxSessionExpirySeconds,
        Duration connectTimeout,
        String serverReference,
        boolean serverMoved,
        boolean pausePublishers,
        Duration maxPublisherPause,
        long maxRetainedMessages,
        int maxRetainedPayloadSize) {

    /** No cap on the session expiry a client asks for. */
    public static final long UNLIMITED = 0;

    /** These limits with the settings fixed at start (shared strategy, retained sweep) taken from {@code running}. */
    public MqttConfig withStartupSettingsOf(MqttConfig running) {
        return new MqttConfig(maxPacketSize, maxClientIdLength, maxTopicLevels, maxSubscriptions, maxInflight,
                receiveMaximum, maxQueuedMessages, maxQueuedBytes, queueQos0, dropPolicy, maxTopicAlias, maxQos, retainAvailable,
                running.retainedSweepInterval(), wildcardSubscription, sharedSubscription, running.sharedStrategy(),
                keepAliveMultiplier, maxKeepAlive, maxSessionExpirySeconds, connectTimeout, serverReference, serverMoved,
                pausePublishers, maxPublisherPause, maxRetainedMessages, maxRetainedPayloadSize);
    }
}
