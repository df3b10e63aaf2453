package io.starling.bridge;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Delays between connection attempts: doubling from {@code min} to {@code max}, each drawn at random from its
 * upper half, so that bridges of many nodes whose remote came back do not all knock at the same instant.
 */
final class Backoff {
    private final long minMillis;
    private final long maxMillis;
    private int failures;

    Backoff(Duration min, Duration max) {
        this.minMillis = min.toMillis();
        this.maxMillis = Math.max(minMillis, max.toMillis());
    }

    /** The delay before the next attempt, after one more failure. */
    long nextMillis() {
        long ceiling = minMillis << Math.min(failures, 30);
        if (ceiling <= 0 || ceiling > maxMillis) {
            ceiling = maxMillis;
        }
        failures++;
        long floor = ceiling / 2;
        return floor + ThreadLocalRandom.current().nextLong(ceiling - floor + 1);
    }

    /** Connected: the next failure starts again from {@code min}. */
    void reset() {
        failures = 0;
    }
}
