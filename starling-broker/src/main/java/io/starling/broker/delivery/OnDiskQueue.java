package io.starling.broker.delivery;

/**
 * The tail of a durable session's queue that lives in the storage only: the heap keeps just the sequence numbers,
 * in the order the messages reached the session (not always the order of the numbers: publishers on other
 * threads number their deliveries as they route them), and each payload's size for the session's byte bound, in
 * rings (12 bytes a message). The session loads it back a page at a time as its client takes messages. Not
 * thread-safe: the session guards it.
 */
public final class OnDiskQueue {

    /** Messages taken from the front together, for one read; their sizes go back with them if the read fails. */
    public record Page(long[] seqs, int[] sizes) {
    }

    private static final int FIRST_CAPACITY = 16;

    private long[] seqs = new long[FIRST_CAPACITY];
    private int[] sizes = new int[FIRST_CAPACITY];
    private int head;
    private int size;
    private long bytes;
    /** The page being read from the storage, taken from the front already; null when none is. */
    private Page reading;

    public boolean isEmpty() {
        return size == 0;
    }

    public int size() {
        return size;
    }

    /** The sum of the payload sizes waiting here (not counting a page being read). */
    public long bytes() {
        return bytes;
    }

    public long first() {
        if (size == 0) {
            throw new IllegalStateException("empty");
        }
        return seqs[head];
    }

    public long pollFirst() {
        long seq = first();
        bytes -= sizes[head];
        head = (head + 1) & (seqs.length - 1);
        size--;
        return seq;
    }

    public void addLast(long seq, int payloadBytes) {
        grow();
        int at = (head + size) & (seqs.length - 1);
        seqs[at] = seq;
        sizes[at] = payloadBytes;
        bytes += payloadBytes;
        size++;
    }

    /** Puts a message before all others: for messages moved back to the storage, oldest last. */
    public void addFirst(long seq, int payloadBytes) {
        grow();
        head = (head - 1) & (seqs.length - 1);
        seqs[head] = seq;
        sizes[head] = payloadBytes;
        bytes += payloadBytes;
        size++;
    }

    private void grow() {
        if (size < seqs.length) {
            return;
        }
        long[] biggerSeqs = new long[seqs.length * 2];
        int[] biggerSizes = new int[seqs.length * 2];
        for (int i = 0; i < size; i++) {
            int at = (head + i) & (seqs.length - 1);
            biggerSeqs[i] = seqs[at];
            biggerSizes[i] = sizes[at];
        }
        seqs = biggerSeqs;
        sizes = biggerSizes;
        head = 0;
    }

    /** Takes up to {@code max} messages from the front, for one read. */
    public Page pollPage(int max) {
        int n = Math.min(max, size);
        long[] pageSeqs = new long[n];
        int[] pageSizes = new int[n];
        for (int i = 0; i < n; i++) {
            pageSizes[i] = sizes[head];
            pageSeqs[i] = pollFirst();
        }
        return new Page(pageSeqs, pageSizes);
    }

    /** Puts a page back at the front, as it was (a read that failed, or the client went offline). */
    public void pushBack(Page page) {
        for (int i = page.seqs().length - 1; i >= 0; i--) {
            addFirst(page.seqs()[i], page.sizes()[i]);
        }
    }

    /** Whether a page is being read from the storage. */
    public boolean loading() {
        return reading != null;
    }

    /** The page being read from the storage ({@link #pollPage}), or null once it is read. */
    public void reading(Page page) {
        reading = page;
    }

    /** The page being read, or null: it comes before the rest of the queue. */
    public Page reading() {
        return reading;
    }

    public void clear() {
        head = 0;
        size = 0;
        bytes = 0;
        if (seqs.length > FIRST_CAPACITY) {
            seqs = new long[FIRST_CAPACITY];
            sizes = new int[FIRST_CAPACITY];
        }
    }
}
