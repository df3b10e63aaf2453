package io.starling.stomp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The subscriptions of one STOMP connection by id, and by the MQTT subscription identifier deliveries carry.
 * Changed on the connection's thread, read by whichever thread delivers: concurrent maps.
 */
final class Subscriptions {
    private final Map<String, StompSubscription> byId = new ConcurrentHashMap<>();
    private final Map<Integer, StompSubscription> byNumber = new ConcurrentHashMap<>();
    private int lastNumber;

    /** A subscription identifier no subscription of this connection (or of the session it resumed) uses. */
    synchronized int nextNumber() {
        return ++lastNumber;
    }

    /** A resumed session already uses this subscription identifier: new subscriptions take higher ones. */
    synchronized void reserve(int number) {
        lastNumber = Math.max(lastNumber, number);
    }

    /** Adds a subscription; another one of the same MQTT filter is replaced (the session holds one per filter). */
    synchronized StompSubscription put(StompSubscription s) {
        StompSubscription replaced = byFilter(s.clientFilter());
        if (replaced != null) {
            remove(replaced);
        }
        byId.put(s.id(), s);
        byNumber.put(s.number(), s);
        lastNumber = Math.max(lastNumber, s.number());
        return replaced;
    }

    synchronized void remove(StompSubscription s) {
        byId.remove(s.id(), s);
        byNumber.remove(s.number(), s);
    }

    StompSubscription byId(String id) {
        return byId.get(id);
    }

    /** STOMP 1.0 may name a subscription by its destination. */
    StompSubscription byDestination(String destination) {
        for (StompSubscription s : byId.values()) {
            if (s.destination().equals(destination)) {
                return s;
            }
        }
        return null;
    }

    StompSubscription byFilter(String clientFilter) {
        for (StompSubscription s : byId.values()) {
            if (s.clientFilter().equals(clientFilter)) {
                return s;
            }
        }
        return null;
    }

    /** The first subscription among a delivery's identifiers this connection knows, or null. */
    StompSubscription forDelivery(int[] numbers) {
        for (int n : numbers) {
            StompSubscription s = byNumber.get(n);
            if (s != null) {
                return s;
            }
        }
        return null;
    }

    List<StompSubscription> all() {
        return new ArrayList<>(byId.values());
    }

    int size() {
        return byId.size();
    }
}
