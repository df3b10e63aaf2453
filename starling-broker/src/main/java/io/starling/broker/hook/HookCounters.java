package io.starling.broker.hook;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/** Counts and logs hooks that fail or take too long. */
final class HookCounters {
    private final LongAdder failures = new LongAdder();
    private final LongAdder timeouts = new LongAdder();

    void failed(Object hook, String what, Throwable cause) {
        failures.increment();
        Hooks.LOG.warn("hook {} failed ({}): {}", hook.getClass().getName(), what, cause.toString());
    }

    void timedOut(Object hook, HookList.Entry<?> entry, String call) {
        timeouts.increment();
        Hooks.LOG.warn("hook {} gave no answer within {} ms for the {}; going on without it",
                hook.getClass().getName(), entry.options().timeout().toMillis(), call);
    }

    /** A non-blocking hook cannot be interrupted: one that overran its time is logged and counted. */
    void checkTime(HookList.Entry<?> entry, long startedNanos) {
        long took = System.nanoTime() - startedNanos;
        if (took > entry.timeoutNanos()) {
            timeouts.increment();
            Hooks.LOG.warn("hook {} took {} ms on a network thread (its limit is {} ms); register it as blocking",
                    entry.hook().getClass().getName(), TimeUnit.NANOSECONDS.toMillis(took),
                    entry.options().timeout().toMillis());
        }
    }

    long failures() {
        return failures.sum();
    }

    long timeouts() {
        return timeouts.sum();
    }
}
