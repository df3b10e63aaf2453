package io.starling.broker.limit;

/**
 * A token bucket: {@code rate} tokens a second, holding at most {@code burst}. Taking may overdraw it; the caller
 * is told how long until the debt is paid and stops reading for that long. Not thread-safe: one per connection,
 * used on its event loop (or guarded by the caller).
 */
public final class TokenBucket {
    private final double perNano;
    private final double burst;
    private double tokens;
    private long lastNanos;

    public TokenBucket(double ratePerSecond, double burst, long nowNanos) {
        if (ratePerSecond <= 0) {
            throw new IllegalArgumentException("rate must be positive");
        }
        this.perNano = ratePerSecond / 1e9;
        this.burst = Math.max(burst, 1);
        this.tokens = this.burst;
        this.lastNanos = nowNanos;
    }

    /** Takes {@code n} tokens; returns the nanoseconds until the bucket is no longer in debt, 0 if it is not. */
    public long take(double n, long nowNanos) {
        tokens = Math.min(burst, tokens + (nowNanos - lastNanos) * perNano);
        lastNanos = nowNanos;
        tokens -= n;
        return tokens >= 0 ? 0 : (long) Math.ceil(-tokens / perNano);
    }
}
