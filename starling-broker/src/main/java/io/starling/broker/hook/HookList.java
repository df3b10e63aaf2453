package io.starling.broker.hook;

import io.starling.api.hook.HookOptions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The hooks registered at one point, in priority order; read without a lock, written copy-on-write. */
final class HookList<H> {

    record Entry<H>(H hook, HookOptions options, long timeoutNanos) {
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
