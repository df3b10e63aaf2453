package io.starling.broker.delivery;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Outbound QoS 1 and 2 messages sent and not yet fully acknowledged, by packet id, in the order they were sent
 * so that a reconnecting client gets them again in that order. Not thread-safe: the session guards it.
 */
public final class InflightWindow {

    /** Where a QoS 2 exchange stands; QoS 1 messages stay in {@code PUBLISH_SENT} until PUBACK. */
    public enum Phase { PUBLISH_SENT, PUBREL_SENT }

    /** One message in flight. */
    public static final class Entry {
        private final int packetId;
        private final Delivery delivery;
        private Phase phase = Phase.PUBLISH_SENT;

        Entry(int packetId, Delivery delivery) {
            this.packetId = packetId;
            this.delivery = delivery;
        }

        public int packetId() {
            return packetId;
        }

        public Delivery delivery() {
            return delivery;
        }

        public Phase phase() {
            return phase;
        }
    }

    /** Allocated on the first QoS 1/2 delivery: an idle connection keeps none. */
    private Map<Integer, Entry> entries;
    private int lastPacketId;

    public int size() {
        return entries == null ? 0 : entries.size();
    }

    public boolean isEmpty() {
        return entries == null || entries.isEmpty();
    }

    /** Takes a free packet id for the delivery; the caller has checked the window has room. */
    public Entry add(Delivery delivery) {
        if (entries == null) {
            entries = new LinkedHashMap<>();
        }
        if (entries.size() >= 65535) {
            throw new IllegalStateException("all packet identifiers are in use");
        }
        int id = lastPacketId;
        do {
            id = id == 65535 ? 1 : id + 1;
        } while (entries.containsKey(id));
        lastPacketId = id;
        Entry entry = new Entry(id, delivery);
        entries.put(id, entry);
        return entry;
    }

    /** Puts back a message that was in flight when the node stopped, under the packet id it was sent with. */
    public Entry restore(int packetId, Delivery delivery, boolean pubrelSent) {
        if (entries == null) {
            entries = new LinkedHashMap<>();
        }
        Entry entry = new Entry(packetId, delivery);
        if (pubrelSent) {
            entry.phase = Phase.PUBREL_SENT;
        }
        entries.put(packetId, entry);
        lastPacketId = packetId;
        return entry;
    }

    public Entry get(int packetId) {
        return entries == null ? null : entries.get(packetId);
    }

    public Entry remove(int packetId) {
        return entries == null ? null : entries.remove(packetId);
    }

    /** Marks a QoS 2 message as received by the client (PUBREC), so PUBREL is what must be resent. */
    public void released(Entry entry) {
        entry.phase = Phase.PUBREL_SENT;
    }

    public List<Entry> inOrder() {
        return entries == null || entries.isEmpty() ? List.of() : new ArrayList<>(entries.values());
    }

    /** Removes and returns the entries from shared groups whose PUBLISH the client has not acknowledged. */
    public List<Delivery> removeUnacknowledgedShared() {
        List<Delivery> removed = new ArrayList<>();
        if (entries == null) {
            return removed;
        }
        Iterator<Entry> it = entries.values().iterator();
        while (it.hasNext()) {
            Entry e = it.next();
            if (e.delivery.group() != null && e.phase == Phase.PUBLISH_SENT) {
                removed.add(e.delivery);
                it.remove();
            }
        }
        return removed;
    }
}
