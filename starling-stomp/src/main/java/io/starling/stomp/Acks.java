package io.starling.stomp;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MESSAGE frames that wait for ACK or NACK, in the order they were sent: {@code client} acknowledges every
 * message of the subscription up to the one named, {@code client-individual} only that one. Filled by the
 * session's thread that sends, emptied on the connection's: synchronized.
 */
final class Acks {
    private record Pending(int packetId, String subscription, boolean cumulative) {
    }

    private final Map<String, Pending> pending = new LinkedHashMap<>();

    /** {@code cumulative}: the subscription is in {@code client} mode. */
    synchronized void add(String ackId, int packetId, String subscription, boolean cumulative) {
        pending.put(ackId, new Pending(packetId, subscription, cumulative));
    }

    /** The packet ids acknowledged by {@code ackId}; empty when it names no waiting message. */
    synchronized List<Integer> take(String ackId) {
        Pending named = pending.get(ackId);
        if (named == null) {
            return List.of();
        }
        if (!named.cumulative()) {
            pending.remove(ackId);
            return List.of(named.packetId());
        }
        List<Integer> ids = new ArrayList<>();
        for (Iterator<Map.Entry<String, Pending>> it = pending.entrySet().iterator(); it.hasNext();) {
            Map.Entry<String, Pending> e = it.next();
            if (e.getValue().subscription().equals(named.subscription())) {
                ids.add(e.getValue().packetId());
                it.remove();
            }
            if (e.getKey().equals(ackId)) {
                break;
            }
        }
        return ids;
    }

    /** Every waiting message of a subscription that ends. */
    synchronized List<Integer> takeAll(String subscription) {
        List<Integer> ids = new ArrayList<>();
        pending.values().removeIf(p -> {
            if (p.subscription().equals(subscription)) {
                ids.add(p.packetId());
                return true;
            }
            return false;
        });
        return ids;
    }

    synchronized int size() {
        return pending.size();
    }
}
