package io.starling.broker.hook;

import io.starling.api.hook.HookOptions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The hooks registered at one point, in priority order; read without a lock, written copy-on-write. */
final class HookList<H> {

    /** A registered hook. */
    static final class Entry<H> {
        /** One call in this many of a non-blocking hook is timed: the clock costs more than a small hook. */
        private static final int TIMED_EVERY = 16;

        private final H hook;
        private final HookOptions options;
        private final long timeoutNanos;

        Entry(H hook, HookOptions options, long timeoutNanos) {
            this.hook = hook;
            this.options = options;
            this.timeoutNanos = timeoutNanos;
        }

        H hook() {
            return hook;
        }

        HookOptions options() {
            return options;
        }

        long timeoutNanos() {
            return timeoutNanos;
        }

        /**
         * Whether this call is one of those timed: drawn at random, since a counter would time the same one of
         * the hook's methods each time when the node calls them in a fixed pattern.
         */
        boolean timeThisCall() {
            return java.util.concurrent.ThreadLocalRandom.current().nextInt(TIMED_EVERY) == 0;
        }
    }

    private volatile List<Entry<H>> entries = List.of();

    synchronized void add(H hook, HookOptions options) {
        List<Entry<H>> next = new ArrayList<>(entries);
        next.add(new Entry<>(hook, options, options.timeout().toNanos()));
        // Stable: hooks of equal priority run in the order they were added.
        next.sort(Comparator.comparingInt(e -> e.options().priority()));
        entries = List.copyOf(next);
    }

    synchronized void remove(Object hook) {
        List<Entry<H>> next = new ArrayList<>(entries);
        if (next.removeIf(e -> e.hook() == hook)) {
            entries = List.copyOf(next);
        }
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    List<Entry<H>> entries() {
        return entries;
    }
}
