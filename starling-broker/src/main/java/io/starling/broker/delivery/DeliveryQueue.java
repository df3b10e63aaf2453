package io.starling.broker.delivery;

import io.starling.broker.config.DropPolicy;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The bounded queue of messages waiting for a subscriber: offline, or behind a full in-flight window or a slow
 * socket. When it is full it gives up a QoS 0 message first, then the oldest or the newest as configured.
 * Not thread-safe: the session guards it.
 */
public final class DeliveryQueue {

    private static final ArrayDeque<Delivery> EMPTY = new ArrayDeque<>(0);

    /** {@link #EMPTY}, never written to, until the first delivery waits: most queues stay empty. */
    private ArrayDeque<Delivery> queue = EMPTY;
    private final int capacity;
    private final DropPolicy policy;
    private int qos0Count;

    public DeliveryQueue(int capacity, DropPolicy policy) {
        this.capacity = capacity;
        this.policy = policy;
    }

    /** Queues the delivery; returns the one given up to make room (possibly {@code delivery}), or null. */
    public Delivery offer(Delivery delivery) {
        boolean isQos0 = delivery.qos().value() == 0;
        if (queue.size() < capacity) {
            add(delivery, isQos0);
            return null;
        }
        if (isQos0) {
            return delivery;
        }
        Delivery victim = pollQos0();
        if (victim != null) {
            add(delivery, false);
            return victim;
        }
        if (policy == DropPolicy.DROP_NEWEST) {
            return delivery;
        }
        Delivery oldest = poll();
        add(delivery, false);
        return oldest;
    }

    private ArrayDeque<Delivery> writable() {
        if (queue == EMPTY) {
            queue = new ArrayDeque<>(4);
        }
        return queue;
    }

    private void add(Delivery delivery, boolean isQos0) {
        writable().addLast(delivery);
        if (isQos0) {
            qos0Count++;
        }
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
                qos0Count--;
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
        if (d != null && d.qos().value() == 0) {
            qos0Count--;
        }
        return d;
    }

    /** Puts a delivery back at the head, bypassing the bound: it was already counted once. */
    public void pushFront(Delivery delivery) {
        writable().addFirst(delivery);
        if (delivery.qos().value() == 0) {
            qos0Count++;
        }
    }

    public boolean isEmpty() {
        return queue.isEmpty();
    }

    public int size() {
        return queue.size();
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
                if (d.qos().value() == 0) {
                    qos0Count--;
                }
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
                if (d.qos().value() == 0) {
                    qos0Count--;
                }
            }
        }
        return removed;
    }

    public List<Delivery> drainAll() {
        List<Delivery> all = new ArrayList<>(queue);
        queue = EMPTY;
        qos0Count = 0;
        return all;
    }
}
