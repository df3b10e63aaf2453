package io.starling.bench.load;

import java.util.Arrays;

/**
 * What one subscriber received from each publisher, by sequence number: how many distinct messages, how
 * many arrived again, and the range seen. Used by one event loop thread at a time; read after it stopped.
 */
final class SequenceTracker {
    private PublisherWindow[] windows = new PublisherWindow[16];

    /** Records one arrival; true when it was seen before (a duplicate). */
    boolean record(int publisher, long sequence) {
        if (publisher < 0 || sequence < 0 || sequence > Integer.MAX_VALUE * 64L) {
            return false;
        }
        if (publisher >= windows.length) {
            windows = Arrays.copyOf(windows, Math.max(publisher + 1, windows.length * 2));
        }
        PublisherWindow w = windows[publisher];
        if (w == null) {
            w = new PublisherWindow();
            windows[publisher] = w;
        }
        return w.record(sequence);
    }

    long distinctFrom(int publisher) {
        return publisher < windows.length && windows[publisher] != null ? windows[publisher].distinct : 0;
    }

    long duplicates() {
        long total = 0;
        for (PublisherWindow w : windows) {
            total += w == null ? 0 : w.duplicates;
        }
        return total;
    }

    /** First arrivals of a sequence number lower than one already seen from the same publisher: out of order. */
    long reordered() {
        long total = 0;
        for (PublisherWindow w : windows) {
            total += w == null ? 0 : w.reordered;
        }
        return total;
    }

    /** Sequence numbers missing between the lowest and highest seen, per publisher: losses a lone subscriber can prove. */
    long gaps() {
        long total = 0;
        for (PublisherWindow w : windows) {
            total += w == null ? 0 : (w.max - w.min + 1) - w.distinct;
        }
        return total;
    }

    private static final class PublisherWindow {
        private long[] bits = new long[64];
        private long distinct;
        private long reordered;
        private long duplicates;
        private long min = Long.MAX_VALUE;
        private long max = -1;

        boolean record(long sequence) {
            int word = (int) (sequence >>> 6);
            if (word >= bits.length) {
                bits = Arrays.copyOf(bits, Math.max(word + 1, bits.length * 2));
            }
            long mask = 1L << (sequence & 63);
            if ((bits[word] & mask) != 0) {
                duplicates++;
                return true;
            }
            bits[word] |= mask;
            if (distinct > 0 && sequence < max) {
                reordered++;
            }
            distinct++;
            min = Math.min(min, sequence);
            max = Math.max(max, sequence);
            return false;
        }
    }
}
