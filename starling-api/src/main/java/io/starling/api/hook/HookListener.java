package io.starling.api.hook;

import io.starling.api.ClientInfo;
import io.starling.api.Message;

/**
 * Observes what happens in the broker. Every method has an empty default so a listener overrides only what
 * it needs. Calls are made on broker threads and must return quickly; hand slow work to your own executor.
 */
public interface HookListener {

    /** Why a message was not delivered to a subscriber. */
    enum DropReason { QUEUE_FULL, QOS0_OFFLINE, EXPIRED, NO_SUBSCRIBERS, NOT_AUTHORIZED, TOO_LARGE, SESSION_ENDED }

    default void onConnected(ClientInfo client, boolean sessionPresent) {
    }

    default void onDisconnected(ClientInfo client, String reason) {
    }

    default void onSubscribe(ClientInfo client, String topicFilter, int grantedQos) {
    }

    default void onUnsubscribe(ClientInfo client, String topicFilter) {
    }

    default void onPublish(ClientInfo client, Message message) {
    }

    default void onDelivered(String clientId, Message message) {
    }

    default void onAcked(String clientId, Message message) {
    }

    default void onDropped(String clientId, Message message, DropReason reason) {
    }
}
