package io.starling.broker.session;

import io.starling.api.QoS;
import io.starling.api.hook.HookListener.DropReason;
import io.starling.api.store.StoredDelivery;
import io.starling.broker.config.DropPolicy;
import io.starling.broker.delivery.Delivery;
import io.starling.broker.delivery.DeliveryQueue;
import io.starling.broker.delivery.OnDiskQueue;
import io.starling.broker.storage.NodeStorage;
import java.util.List;

/**
 * What a durable session's full queue gives up when part of it waits in the storage: the rule of
 * {@link DeliveryQueue} over the whole queue, heap and storage (a QoS 0 message first, then the head with
 * {@code drop_oldest} or the arriving message with {@code drop_newest}). A message given up in the storage is
 * known on the heap by its sequence number only: it leaves the queue at once, so the bound holds, and is then
 * read back to tell hooks which message went, and removed from the storage (a restart before that brings it
 * back rather than losing another). Made on the way, under the session's monitor: a session keeps no field
 * for a queue that is rarely full.
 */
record QueueOverflow(Session session, NodeStorage storage) {

    /**
     * Makes room for {@code arriving} in the full queue ({@code heap} before {@code disk}, which is null for a
     * session that keeps nothing in the storage) by giving up one message; false when it is {@code arriving}
     * that must go.
     */
    boolean makeRoom(Delivery arriving, DeliveryQueue heap, OnDiskQueue disk, DropPolicy policy) {
        if (arriving.qos() == QoS.AT_MOST_ONCE) {
            return false;
        }
        Delivery victim = heap.pollQos0();
        if (victim == null && policy == DropPolicy.DROP_OLDEST) {
            if (heap.isEmpty()) {
                if (disk == null || disk.isEmpty()) {
                    return false;
                }
                dropStored(disk.pollFirst());
                return true;
            }
            victim = heap.poll();
        }
        if (victim == null) {
            return false;
        }
        session.forget(victim);
        session.dropped(victim.message(), DropReason.QUEUE_FULL);
        return true;
    }

    private void dropStored(long seq) {
        String clientId = session.clientId();
        storage.readQueued(clientId, new long[] {seq}).whenComplete((read, failure) -> {
            List<StoredDelivery> found = failure == null ? read : List.of();
            if (found.isEmpty()) {
                // Not read (the storage failed, or the session ended and took its rows): counted all the same.
                session.droppedUnread(1, DropReason.QUEUE_FULL);
            } else {
                session.dropped(found.get(0).message(), DropReason.QUEUE_FULL);
            }
            storage.removeQueued(clientId, seq);
        });
    }
}
