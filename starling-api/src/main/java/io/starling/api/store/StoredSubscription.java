package io.starling.api.store;

/**
 * A subscription as it is kept with a session.
 *
 * @param retainHandling         0 send retained on subscribe, 1 only if new, 2 never
 * @param subscriptionIdentifier 0 when the client set none
 */
public record StoredSubscription(String topicFilter, int qos, boolean noLocal, boolean retainAsPublished,
        int retainHandling, int subscriptionIdentifier) {
}
