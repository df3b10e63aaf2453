package io.starling.api.store;

import io.starling.api.Message;
import java.util.List;
import java.util.Set;

/**
 * The part of a session that outlives its connection and the node.
 *
 * @param expiryIntervalSeconds how long the session lives after disconnect; {@code 0xFFFFFFFFL} never expires
 * @param disconnectedAtMillis  0 while the client is connected
 * @param will                  the will of the last connection, or null
 * @param queue                 queued and in-flight messages in order; empty when saved, filled when loaded
 * @param inboundQos2           packet ids of QoS 2 messages the client sent that await PUBREL; as {@code queue}
 */
public record StoredSession(String clientId, long expiryIntervalSeconds, long disconnectedAtMillis,
        List<StoredSubscription> subscriptions, Message will, long willDelaySeconds,
        List<StoredDelivery> queue, Set<Integer> inboundQos2) {

    public static final long NEVER_EXPIRES = 0xFFFFFFFFL;

    public StoredSession {
        subscriptions = List.copyOf(subscriptions);
        queue = queue == null ? List.of() : queue;
        inboundQos2 = inboundQos2 == null ? Set.of() : inboundQos2;
    }

    public StoredSession withState(List<StoredDelivery> storedQueue, Set<Integer> storedInbound) {
        return new StoredSession(clientId, expiryIntervalSeconds, disconnectedAtMillis, subscriptions, will,
                willDelaySeconds, storedQueue, storedInbound);
    }
}
