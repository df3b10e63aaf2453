package io.starling.broker.session;

import io.starling.api.store.StoredDelivery;
import io.starling.api.store.StoredSession;
import io.starling.api.store.StoredSubscription;
import java.util.List;
import java.util.Set;

/**
 * A session as one node hands it to another when its client connects there ({@link SessionRegistry#exportSession},
 * {@link SessionRegistry#importSession}). No will: the old connection's will was decided when it was taken over,
 * and a will waiting out its delay is not sent when the client comes back in time.
 *
 * @param lastSeenMillis when its client was last connected, wall clock (now, when it was connected): of two
 *                       copies, the newer wins
 * @param epoch          the directory's epoch of the CONNECT that last opened it (0: none)
 * @param owner          whom it belongs to; null when not known
 * @param inflight       in the order sent, with their packet ids (and PUBREL sent for QoS 2)
 * @param queued         in the order they are to be sent, the part that was only in the storage included
 * @param inboundQos2    packet ids of QoS 2 messages from the client that await PUBREL
 */
public record SessionExport(String clientId, long expirySeconds, long lastSeenMillis, long epoch,
        StoredSession.Owner owner, List<StoredSubscription> subscriptions, List<StoredDelivery> inflight,
        List<StoredDelivery> queued, Set<Integer> inboundQos2) {

    public SessionExport {
        subscriptions = List.copyOf(subscriptions);
        inflight = List.copyOf(inflight);
        queued = List.copyOf(queued);
        inboundQos2 = Set.copyOf(inboundQos2);
    }
}
