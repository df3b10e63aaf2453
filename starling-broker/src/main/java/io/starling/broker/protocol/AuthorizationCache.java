package io.starling.broker.protocol;

import io.starling.api.auth.Authorizer.Action;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One connection's recent authorization decisions, so that a client publishing to the same topics is not
 * authorized again each time: at most {@code maxSize} entries, each for {@code ttlNanos}, all forgotten when
 * the rules change (per action: up to {@code maxSize} for publishing and as many for subscribing). Used on the
 * connection's event loop only.
 */
final class AuthorizationCache {
    private record Decision(boolean allowed, long expiresNanos, long rulesVersion) {
    }

    private final int maxSize;
    private final long ttlNanos;
    /** By topic, one map per action: the topic string is the key as it is, nothing is built per PUBLISH. */
    private final LinkedHashMap<String, Decision> publish;
    private final LinkedHashMap<String, Decision> subscribe;

    AuthorizationCache(int maxSize, long ttlNanos) {
        this.maxSize = maxSize;
        this.ttlNanos = ttlNanos;
        this.publish = lru();
        this.subscribe = lru();
    }

    private LinkedHashMap<String, Decision> lru() {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Decision> eldest) {
                return size() > maxSize;
            }
        };
    }

    /** The cached decision, or null. */
    Boolean get(Action action, String topic, long rulesVersion, long nowNanos) {
        Map<String, Decision> entries = of(action);
        Decision d = entries.get(topic);
        if (d == null) {
            return null;
        }
        if (d.rulesVersion() != rulesVersion || nowNanos - d.expiresNanos() > 0) {
            entries.remove(topic);
            return null;
        }
        return d.allowed();
    }

    void put(Action action, String topic, boolean allowed, long rulesVersion, long nowNanos) {
        of(action).put(topic, new Decision(allowed, nowNanos + ttlNanos, rulesVersion));
    }

    private Map<String, Decision> of(Action action) {
        return action == Action.PUBLISH ? publish : subscribe;
    }
}
