package io.starling.broker.protocol;

import io.starling.api.auth.Authorizer.Action;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One connection's recent authorization decisions, so that a client publishing to the same topics is not
 * authorized again each time: at most {@code maxSize} entries, each for {@code ttlNanos}, all forgotten when
 * the rules change. Used on the connection's event loop only.
 */
final class AuthorizationCache {
    private record Decision(boolean allowed, long expiresNanos, long rulesVersion) {
    }

    private final int maxSize;
    private final long ttlNanos;
    private final LinkedHashMap<String, Decision> entries;

    AuthorizationCache(int maxSize, long ttlNanos) {
        this.maxSize = maxSize;
        this.ttlNanos = ttlNanos;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Decision> eldest) {
                return size() > AuthorizationCache.this.maxSize;
            }
        };
    }

    /** The cached decision, or null. */
    Boolean get(Action action, String topic, long rulesVersion, long nowNanos) {
        Decision d = entries.get(key(action, topic));
        if (d == null) {
            return null;
        }
        if (d.rulesVersion() != rulesVersion || nowNanos - d.expiresNanos() > 0) {
            entries.remove(key(action, topic));
            return null;
        }
        return d.allowed();
    }

    void put(Action action, String topic, boolean allowed, long rulesVersion, long nowNanos) {
        entries.put(key(action, topic), new Decision(allowed, nowNanos + ttlNanos, rulesVersion));
    }

    private static String key(Action action, String topic) {
        return action == Action.PUBLISH ? "p" + topic : "s" + topic;
    }
}
