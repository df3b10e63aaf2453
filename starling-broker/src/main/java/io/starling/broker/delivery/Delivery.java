package io.starling.broker.delivery;

import io.starling.api.Message;
import io.starling.api.QoS;
import io.starling.api.store.StoredDelivery;
import io.starling.broker.routing.SharedGroup;
import io.starling.broker.routing.Subscription;
import java.util.List;

/**
 * A message on its way to one subscriber: the QoS and retain flag it is sent with, the subscription identifiers
 * that matched, and the shared group that chose this subscriber (null for plain subscriptions).
 *
 * @param seq its place in the session's stored queue, or 0 when it is not stored
 */
public record Delivery(Message message, QoS qos, boolean retain, int[] subscriptionIds, SharedGroup group, long seq) {

    public static final int[] NO_IDS = new int[0];

    public Delivery(Message message, QoS qos, boolean retain, int[] subscriptionIds, SharedGroup group) {
        this(message, qos, retain, subscriptionIds, group, 0);
    }

    /**
     * What a subscriber whose subscriptions {@code matched} the message gets: the highest QoS they granted (at
     * most the message's), retain as published if one asked for it, and every subscription identifier. Null when
     * each match is a no-local subscription of the publisher itself.
     */
    public static Delivery forMatches(Message message, List<Subscription> matched, SharedGroup group,
            String subscriberId) {
        int qos = -1;
        boolean retainAsPublished = false;
        int idCount = 0;
        for (Subscription s : matched) {
            if (s.noLocal() && subscriberId.equals(message.publisherId())) {
                continue;
            }
            qos = Math.max(qos, s.qos());
            retainAsPublished |= s.retainAsPublished();
            if (s.subscriptionId() != 0) {
                idCount++;
            }
        }
        if (qos < 0) {
            return null;
        }
        int[] ids = NO_IDS;
        if (idCount > 0) {
            ids = new int[idCount];
            int i = 0;
            for (Subscription s : matched) {
                if (s.subscriptionId() != 0 && !(s.noLocal() && subscriberId.equals(message.publisherId()))) {
                    ids[i++] = s.subscriptionId();
                }
            }
        }
        QoS effective = QoS.min(message.qos(), QoS.of(qos));
        return new Delivery(message, effective, retainAsPublished && message.retain(), ids, group);
    }

    /** A delivery read back from the storage; shared-group deliveries come back as plain ones. */
    public static Delivery of(StoredDelivery stored) {
        return new Delivery(stored.message(), stored.qos(), stored.retain(), stored.subscriptionIds(), null,
                stored.seq());
    }

    /** What the storage keeps of it while it is queued (no packet id yet). */
    public StoredDelivery toStored() {
        return new StoredDelivery(seq, message, qos, retain, subscriptionIds, 0, false);
    }

    public Delivery withSeq(long newSeq) {
        return new Delivery(message, qos, retain, subscriptionIds, group, newSeq);
    }

    public boolean stored() {
        return seq != 0;
    }
}
