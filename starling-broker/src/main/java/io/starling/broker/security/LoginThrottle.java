package io.starling.broker.security;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down password guessing: a key (an address, a username) that fails {@code maxFailures} logins in a row is
 * refused for {@code lockoutMillis} (the management API answers HTTP 429, MQTT CONNACK 0x9F); a good login
 * clears its count. Bounded: the table forgets keys whose lockout has passed when it grows. Lock-free to read:
 * {@link #lockedFor} and a {@link #succeeded} with nothing to clear take no lock, so a network thread may ask.
 */
public final class LoginThrottle {

    private record Failures(int count, long lockedUntilMillis) {
    }

    private final int maxFailures;
    private final long lockoutMillis;
    private final int maxTracked;
    private final Map<String, Failures> byAddress = new ConcurrentHashMap<>();

    public LoginThrottle(int maxFailures, long lockoutMillis) {
        this(maxFailures, lockoutMillis, 10_000);
    }

    LoginThrottle(int maxFailures, long lockoutMillis, int maxTracked) {
        this.maxFailures = maxFailures;
        this.lockoutMillis = lockoutMillis;
        this.maxTracked = maxTracked;
    }

    public int tracked() {
        return byAddress.size();
    }

    /** Milliseconds the address must still wait, 0 when it may try. */
    public long lockedFor(String address, long nowMillis) {
        Failures f = byAddress.get(address);
        return f == null ? 0 : Math.max(0, f.lockedUntilMillis() - nowMillis);
    }

    public void failed(String address, long nowMillis) {
        if (byAddress.size() >= maxTracked) {
            // Forget every address not locked out now: a few failures each, or a lockout that has passed.
            byAddress.values().removeIf(f -> f.lockedUntilMillis() <= nowMillis);
            if (byAddress.size() >= maxTracked && !byAddress.containsKey(address)) {
                // Full of lockouts (many addresses guessing at once): the table stays bounded, a new one is not kept.
                return;
            }
        }
        byAddress.compute(address, (a, f) -> {
            int count = (f == null || (f.lockedUntilMillis() > 0 && f.lockedUntilMillis() <= nowMillis)) ? 1
                    : f.count() + 1;
            return new Failures(count, count >= maxFailures ? nowMillis + lockoutMillis : 0);
        });
    }

    public void succeeded(String address) {
        if (byAddress.containsKey(address)) {
            byAddress.remove(address);
        }
    }
}
