package io.starling.broker.sys;

import io.starling.broker.metrics.BrokerMetrics;
import io.starling.broker.retain.RetainedMessages;
import io.starling.broker.routing.Router;
import io.starling.broker.session.SessionRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the node holds now, and the most it has held: connections, sessions, subscriptions, topics (distinct
 * filters, which are also the routes of a single node), retained messages. Counts are read from the structures
 * themselves; the highs, but for connections (kept at every connect), are those seen at each {@link #sample()},
 * which the node takes every second.
 */
public final class BrokerStats {
    private final BrokerMetrics metrics;
    private final SessionRegistry sessions;
    private final Router router;
    private final RetainedMessages retained;
    private final AtomicLong sessionsMax = new AtomicLong();
    private final AtomicLong subscriptionsMax = new AtomicLong();
    private final AtomicLong topicsMax = new AtomicLong();
    private final AtomicLong retainedMax = new AtomicLong();

    public BrokerStats(BrokerMetrics metrics, SessionRegistry sessions, Router router, RetainedMessages retained) {
        this.metrics = metrics;
        this.sessions = sessions;
        this.router = router;
        this.retained = retained;
    }

    /** Updates the highs. */
    public void sample() {
        sessionsMax.accumulateAndGet(sessions.size(), Math::max);
        subscriptionsMax.accumulateAndGet(router.subscriptionCount(), Math::max);
        topicsMax.accumulateAndGet(router.topicCount(), Math::max);
        retainedMax.accumulateAndGet(retained.size(), Math::max);
    }

    /** Every figure under its emqttd-style name ({@code connections/count}, {@code retained/max}, ...). */
    public Map<String, Long> snapshot() {
        sample();
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("connections/count", metrics.connectionsOpen());
        m.put("connections/max", metrics.connectionsMax());
        m.put("sessions/count", (long) sessions.size());
        m.put("sessions/max", sessionsMax.get());
        m.put("subscriptions/count", (long) router.subscriptionCount());
        m.put("subscriptions/max", subscriptionsMax.get());
        m.put("subscriptions/shared/count", (long) router.sharedGroupCount());
        m.put("topics/count", (long) router.topicCount());
        m.put("topics/max", topicsMax.get());
        m.put("routes/count", (long) router.topicCount());
        m.put("routes/max", topicsMax.get());
        m.put("retained/count", retained.size());
        m.put("retained/max", retainedMax.get());
        return m;
    }
}
