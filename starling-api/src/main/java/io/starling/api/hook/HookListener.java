package io.starling.api.hook;

import io.starling.api.ClientInfo;
import io.starling.api.Message;

/**
 * Observes what happens in the broker; the contract of each hook point is in docs/hooks.md. Every method has an
 * empty default so a listener overrides only what it needs. Registered without {@link HookOptions#blocking()},
 * calls are made on the network threads and must return quickly; registered as blocking, they run on the hook
 * threads, in order per listener is not promised. A listener that throws is logged and counted; the node
 * carries on.
 */
public interface HookListener {

    /** Why a message was not delivered to a subscriber. */
    enum DropReason { QUEUE_FULL, QOS0_OFFLINE, EXPIRED, NO_SUBSCRIBERS, NOT_AUTHORIZED, TOO_LARGE, SESSION_ENDED,
        STOPPED_BY_HOOK, QUOTA_EXCEEDED }

    /** CONNACK was sent: {@code reasonCode} 0 accepted the client, any other refused it (MQTT 5 codes). */
    default void onConnack(ClientInfo client, int reasonCode) {
    }

    default void onConnected(ClientInfo client, boolean sessionPresent) {
    }

    /** The client got a new session (clean start, or none was stored). */
    default void onSessionCreated(ClientInfo client) {
    }

    /** The client took up the session it had (session present). */
    default void onSessionResumed(ClientInfo client) {
    }

    /** A session ended: {@code reason} is {@code expired}, {@code clean_start} (replaced) or {@code closed}. */
    default void onSessionTerminated(String clientId, String reason) {
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
