package io.starling.stomp;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The STOMP side of sessions that outlive their connection (kept up to date at every SUBSCRIBE and UNSUBSCRIBE, so
 * that a connection taking the session over from a live one finds it too) ({@code session-expiry} header): which subscription
 * id and ack mode each MQTT subscription of the session had, so that what was in flight or queued goes to the next
 * connection with the same client id as MESSAGE frames of the right subscription. Kept on the heap: after a
 * restart a resumed session's messages go out under their MQTT filter's subscription id until the client
 * subscribes again.
 */
final class SubscriptionBook {
    private final Map<String, List<StompSubscription>> byClient = new ConcurrentHashMap<>();

    void keep(String clientId, List<StompSubscription> subscriptions) {
        byClient.put(clientId, List.copyOf(subscriptions));
    }

    List<StompSubscription> get(String clientId) {
        List<StompSubscription> s = byClient.get(clientId);
        return s == null ? List.of() : s;
    }

    /** The session ended: nothing to resume. */
    void forget(String clientId) {
        byClient.remove(clientId);
    }
}
