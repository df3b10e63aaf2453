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
 * @param inflight              the messages in flight (with their packet ids), in order; empty when saved,
 *                              filled when loaded at start-up
 * @param queuedSeqs            sequence numbers of the queued messages, in order, left in the storage until the
 *                              client takes them ({@link Storage#readQueued}); as {@code inflight}
 * @param queuedSizes           payload sizes of those queued messages, in the same order, for the session's byte
 *                              bound; shorter (even empty) when the storage does not know them: those count as 0
 * @param inboundQos2           packet ids of QoS 2 messages the client sent that await PUBREL; as {@code inflight}
 * @param owner                 who opened the session (its will is published as them, and only they resume it);
 *                              null when unknown (a record written before owners were stored)
 */
public record StoredSession(String clientId, long expiryIntervalSeconds, long disconnectedAtMillis,
        List<StoredSubscription> subscriptions, Message will, long willDelaySeconds,
        List<StoredDelivery> inflight, long[] queuedSeqs, int[] queuedSizes, Set<Integer> inboundQos2, Owner owner) {

    /** The identity a session belongs to: the username it was opened with (null: none) and the superuser flag. */
    public record Owner(String username, boolean superuser) {
    }

    public static final long NEVER_EXPIRES = 0xFFFFFFFFL;
    private static final long[] NONE = new long[0];
    private static final int[] NO_SIZES = new int[0];

    public StoredSession {
        subscriptions = List.copyOf(subscriptions);
        inflight = inflight == null ? List.of() : inflight;
        queuedSeqs = queuedSeqs == null ? NONE : queuedSeqs;
        queuedSizes = queuedSizes == null ? NO_SIZES : queuedSizes;
        inboundQos2 = inboundQos2 == null ? Set.of() : inboundQos2;
    }

    /** The session as saved, without what is loaded at start-up. */
    public StoredSession(String clientId, long expiryIntervalSeconds, long disconnectedAtMillis,
            List<StoredSubscription> subscriptions, Message will, long willDelaySeconds, Owner owner) {
        this(clientId, expiryIntervalSeconds, disconnectedAtMillis, subscriptions, will, willDelaySeconds, null, null,
                null, null, owner);
    }

    /** As saved, its owner unknown. */
    public StoredSession(String clientId, long expiryIntervalSeconds, long disconnectedAtMillis,
            List<StoredSubscription> subscriptions, Message will, long willDelaySeconds) {
        this(clientId, expiryIntervalSeconds, disconnectedAtMillis, subscriptions, will, willDelaySeconds, null);
    }

    /** As saved, with what the storage holds for it: loaded at start-up. */
    public StoredSession withState(List<StoredDelivery> storedInflight, long[] storedQueue, int[] storedSizes,
            Set<Integer> storedInbound) {
        return new StoredSession(clientId, expiryIntervalSeconds, disconnectedAtMillis, subscriptions, will,
                willDelaySeconds, storedInflight, storedQueue, storedSizes, storedInbound, owner);
    }
}
