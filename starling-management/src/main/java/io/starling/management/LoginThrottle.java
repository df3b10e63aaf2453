package io.starling.management;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down password guessing: an address that fails {@code maxFailures} logins in a row is refused (HTTP 429)
 * for {@code lockoutMillis}; a good login clears its count. Bounded: the table forgets addresses whose lockout
 * has passed when it grows.
 */
final class LoginThrottle {

    private record Failures(int count, long lockedUntilMillis) {
    }

    private final int maxFailures;
    private final long lockoutMillis;
    private final int maxTracked;
    private final Map<String, Failures> byAddress = new ConcurrentHashMap<>();

    LoginThrottle(int maxFailures, long lockoutMillis) {
        this(maxFailures, lockoutMillis, 10_000);
    }

    LoginThrottle(int maxFailures, long lockoutMillis, int maxTracked) {
        this.maxFailures = maxFailures;
        this.lockoutMillis = lockoutMillis;
        this.maxTracked = maxTracked;
    }

    int tracked() {
        return byAddress.size();
    }

    /** Milliseconds the address must still wait, 0 when it may try. */
    long lockedFor(String address, long nowMillis) {
        Failures f = byAddress.get(address);
        return f == null ? 0 : Math.max(0, f.lockedUntilMillis() - nowMillis);
    }

    void failed(String address, long nowMillis) {
        if (byAddress.size() >= maxTracked) {
            // Forget every address not locked out now: a few failures each, or a lockout that has passed.
            byAddress.values().removeIf(f -> f.lockedUntilMillis() <= nowMillis);
        }
        byAddress.compute(address, (a, f) -> {
            int count = (f == null || (f.lockedUntilMillis() > 0 && f.lockedUntilMillis() <= nowMillis)) ? 1
                    : f.count() + 1;
            return new Failures(count, count >= maxFailures ? nowMillis + lockoutMillis : 0);
        });
    }

    void succeeded(String address) {
        byAddress.remove(address);
    }
}
