package io.starling.api.hook;

import java.time.Duration;

/**
 * How a hook is run.
 *
 * @param priority lower runs first; built-in modules use 100 to 900 (topic rewrite: 100), plugins default to 1000
 * @param timeout  how long one call may take: a blocking hook that has not answered by then is given up (its
 *                 decision is taken as "no change", or "refuse" for connect), a non-blocking one that took longer
 *                 is logged as slow; either way it is counted
 * @param blocking true when the hook may block (I/O, locks, remote calls): it then runs on the hook threads,
 *                 never on a network thread, and the client's packets wait for it in order
 */
public record HookOptions(int priority, Duration timeout, boolean blocking) {
    public static final int DEFAULT_PRIORITY = 1000;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    public HookOptions {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
    }

    /** Priority 1000, 5 s, on the network threads. */
    public static HookOptions defaults() {
        return new HookOptions(DEFAULT_PRIORITY, DEFAULT_TIMEOUT, false);
    }

    public static HookOptions priority(int priority) {
        return new HookOptions(priority, DEFAULT_TIMEOUT, false);
    }

    public HookOptions withTimeout(Duration newTimeout) {
        return new HookOptions(priority, newTimeout, blocking);
    }

    public HookOptions asBlocking() {
        return new HookOptions(priority, timeout, true);
    }
}
