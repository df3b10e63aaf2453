package io.starling.broker.delivery;

import io.starling.broker.config.DropPolicy;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The bounded queue of messages waiting for a subscriber: offline, or behind a full in-flight window or a slow
 * socket. When it is full it gives up a QoS 0 message first, then the oldest or the newest as configured.
 * It keeps the sum of its payloads' sizes for a byte bound the session applies. Not thread-safe: the session
 * guards it.
 */
public final class DeliveryQueue {

    private static final ArrayDeque<Delivery> EMPTY = new ArrayDeque<>(0);

    /** {@link #EMPTY}, never written to, until the first delivery waits: most queues stay empty. */
    private ArrayDeque<Delivery> queue = EMPTY;
    private final int capacity;
    private final DropPolicy policy;
    private int qos0Count;
    private long bytes;

    public DeliveryQueue(int capacity, DropPolicy policy) {
        this.capacity = capacity;
        this.policy = policy;
    }

    /** Queues the delivery; returns the one given up to make room (possibly {@code delivery}), or null. */
    public Delivery offer(Delivery delivery) {
        boolean isQos0 = delivery.qos().value() == 0;
        if (queue.size() < capacity) {
            add(delivery);
            return null;
        }
        if (isQos0) {
            return delivery;
        }
        Delivery victim = pollQos0();
        if (victim != null) {
            add(delivery);
            return victim;
        }
        if (policy == DropPolicy.DROP_NEWEST) {
            return delivery;
        }
        Delivery oldest = poll();
        add(delivery);
        return oldest;
    }

    private ArrayDeque<Delivery> writable() {
        if (queue == EMPTY) {
            queue = new ArrayDeque<>(4);
        }
        return queue;
    }

    private void add(Delivery delivery) {
        writable().addLast(delivery);
        counted(delivery, 1);
    }

    /** Counts a delivery that came in ({@code sign} 1) or went out (-1). */
    private void counted(Delivery delivery, int sign) {
        if (delivery.qos().value() == 0) {
            qos0Count += sign;
        }
        bytes += sign * (long) delivery.message().payload().length;
    }

    /** Removes and returns the first QoS 0 delivery, or null when none waits: a full queue gives these up first. */
    public Delivery pollQos0() {
        if (qos0Count == 0) {
            return null;
        }
        Iterator<Delivery> it = queue.iterator();
        while (it.hasNext()) {
            Delivery d = it.next();
            if (d.qos().value() == 0) {
                it.remove();
                counted(d, -1);
                return d;
            }
        }
        throw new IllegalStateException("QoS 0 count out of step with the queue");
    }

    public Delivery peek() {
        return queue.peekFirst();
    }

    public Delivery poll() {
        Delivery d = queue.pollFirst();
        if (d != null) {
            counted(d, -1);
        }
        return d;
    }

    /** Puts a delivery back at the head, bypassing the bound: it was already counted once. */
    public void pushFront(Delivery delivery) {
        writable().addFirst(delivery);
        counted(delivery, 1);
    }

    public boolean isEmpty() {
        return queue.isEmpty();
    }

    public int size() {
        return queue.size();
    }

    /** The sum of the queued payloads' sizes. */
    public long bytes() {
        return bytes;
    }

    /** Removes and returns, in order, every delivery that is also in the storage. */
    public List<Delivery> removeStored() {
        List<Delivery> removed = new ArrayList<>();
        Iterator<Delivery> it = queue.iterator();
        while (it.hasNext()) {
            Delivery d = it.next();
            if (d.stored()) {
                removed.add(d);
                it.remove();
                counted(d, -1);
            }
        }
        return removed;
    }

    /** Removes and returns every delivery that came through a shared group. */
    public List<Delivery> removeShared() {
        List<Delivery> removed = new ArrayList<>();
        Iterator<Delivery> it = queue.iterator();
        while (it.hasNext()) {
            Delivery d = it.next();
            if (d.group() != null) {
                removed.add(d);
                it.remove();
                counted(d, -1);
            }
        }
        return removed;
    }

    public List<Delivery> drainAll() {
        List<Delivery> all = new ArrayList<>(queue);
        queue = EMPTY;
        qos0Count = 0;
        bytes = 0;
        return all;
    }
}
