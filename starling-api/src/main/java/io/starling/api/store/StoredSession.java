package io.starling.api.store;

import java.util.List;

/**
 * The part of a session that outlives its connection.
 *
 * @param expiryIntervalSeconds how long the session lives after disconnect; {@code 0xFFFFFFFFL} never expires
 * @param disconnectedAtMillis  0 while the client is connected
 */
public record StoredSession(String clientId, long expiryIntervalSeconds, long disconnectedAtMillis,
        List<StoredSubscription> subscriptions) {

    public static final long NEVER_EXPIRES = 0xFFFFFFFFL;

    public StoredSession {
        subscriptions = List.copyOf(subscriptions);
    }
}
