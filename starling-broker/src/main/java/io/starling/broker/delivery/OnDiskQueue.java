package io.starling.broker.delivery;

import java.util.Arrays;

/**
 * The tail of a durable session's queue that lives in the storage only: the heap keeps just the sequence numbers,
 * in the order the messages reached the session (not always the order of the numbers: publishers on other
 * threads number their deliveries as they route them), in a ring of longs (8 bytes a message). The session loads it back a page at a time as its client
 * takes messages. Not thread-safe: the session guards it.
 */
public final class OnDiskQueue {
    private long[] ring = new long[16];
    private int head;
    private int size;
    /** The page being read from the storage, taken from the front already; null when none is. */
    private long[] reading;

    public boolean isEmpty() {
        return size == 0;
    }

    public int size() {
        return size;
    }

    public long first() {
        if (size == 0) {
            throw new IllegalStateException("empty");
        }
        return ring[head];
    }

    public long pollFirst() {
        long seq = first();
        head = (head + 1) & (ring.length - 1);
        size--;
        return seq;
    }

    public void addLast(long seq) {
        grow();
        ring[(head + size) & (ring.length - 1)] = seq;
        size++;
    }

    /** Puts a sequence number before all others: for messages moved back to the storage, oldest last. */
    public void addFirst(long seq) {
        grow();
        head = (head - 1) & (ring.length - 1);
        ring[head] = seq;
        size++;
    }

    private void grow() {
        if (size < ring.length) {
            return;
        }
        long[] bigger = new long[ring.length * 2];
        for (int i = 0; i < size; i++) {
            bigger[i] = ring[(head + i) & (ring.length - 1)];
        }
        ring = bigger;
        head = 0;
    }

    /** Takes up to {@code max} sequence numbers from the front, for one read. */
    public long[] pollPage(int max) {
        long[] page = new long[Math.min(max, size)];
        for (int i = 0; i < page.length; i++) {
            page[i] = pollFirst();
        }
        return page;
    }

    /** Puts a page back at the front, as it was (a read that failed, or the client went offline). */
    public void pushBack(long[] page) {
        for (int i = page.length - 1; i >= 0; i--) {
            addFirst(page[i]);
        }
    }

    /** Whether a page is being read from the storage. */
    public boolean loading() {
        return reading != null;
    }

    /** The page being read from the storage ({@link #pollPage}), or null once it is read. */
    public void reading(long[] page) {
        reading = page;
    }

    /** The page being read, or null: it comes before the rest of the queue. */
    public long[] reading() {
        return reading;
    }

    public void clear() {
        head = 0;
        size = 0;
        if (ring.length > 16) {
            ring = new long[16];
        } else {
            Arrays.fill(ring, 0);
        }
    }
}
