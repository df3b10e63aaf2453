package io.starling.broker.session;

import io.starling.api.Message;
import io.starling.api.hook.HookListener.DropReason;
import io.starling.broker.hook.Hooks;
import io.starling.broker.metrics.BrokerMetrics;
import io.starling.codec.LogSafe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Tells metrics and hooks what happened to each delivery. */
public final class DeliveryEvents {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryEvents.class);

    /** At most one queue-full warning per this many nanoseconds: a stuck subscriber must not flood the log. */
    private static final long QUEUE_WARNING_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);

    private final Hooks hooks;
    private final BrokerMetrics metrics;
    private final java.util.concurrent.atomic.AtomicLong lastQueueWarning =
            new java.util.concurrent.atomic.AtomicLong(System.nanoTime() - QUEUE_WARNING_NANOS);
    private final java.util.concurrent.atomic.LongAdder queueDrops = new java.util.concurrent.atomic.LongAdder();

    /** Drop counters of some client ids (the bridges'): looked up only when a message is dropped. */
    private final java.util.Map<String, java.util.concurrent.atomic.LongAdder> watched =
            new java.util.concurrent.ConcurrentHashMap<>();

    public DeliveryEvents(Hooks hooks, BrokerMetrics metrics) {
        this.hooks = hooks;
        this.metrics = metrics;
    }

    /** Delivered at {@code qos}, the subscription's, which may be below the message's. */
    void sent(String clientId, Message message, int qos) {
        metrics.messageSent(qos);
        hooks.delivered(clientId, message);
    }

    void sessionTerminated(String clientId, String reason) {
        hooks.sessionTerminated(clientId, reason);
    }

    void acked(String clientId, Message message) {
        hooks.acked(clientId, message);
    }

    /** Messages dropped without being read back from the storage: counted, but hooks cannot be shown them. */
    void droppedUnread(String clientId, int count, DropReason reason) {
        metrics.messagesDropped(reason, count);
        countFor(clientId, count);
        if (reason == DropReason.QUEUE_FULL) {
            queueFull(clientId, count);
        }
        if (count > 0) {
            LOG.debug("dropped {} stored messages for {}: {}", count, LogSafe.escape(clientId), reason);
        }
    }

    void dropped(String clientId, Message message, DropReason reason) {
        metrics.messageDropped(reason);
        countFor(clientId, 1);
        if (reason == DropReason.QUEUE_FULL) {
            queueFull(clientId, 1);
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("dropped message on '{}' for {}: {}", message.topic(), LogSafe.escape(clientId), reason);
        }
        hooks.dropped(clientId, message, reason);
    }

    /** Counts the session's drops into {@code counter} too, from now on; null stops it. */
    void watch(String clientId, java.util.concurrent.atomic.LongAdder counter) {
        if (counter == null) {
            watched.remove(clientId);
        } else {
            watched.put(clientId, counter);
        }
    }

    private void countFor(String clientId, int count) {
        if (!watched.isEmpty()) {
            java.util.concurrent.atomic.LongAdder counter = watched.get(clientId);
            if (counter != null) {
                counter.add(count);
            }
        }
    }

    /** Says, now and then, that sessions overflow: messages acknowledged to publishers are being given up. */
    private void queueFull(String clientId, long count) {
        queueDrops.add(count);
        long now = System.nanoTime();
        long last = lastQueueWarning.get();
        if (now - last >= QUEUE_WARNING_NANOS && lastQueueWarning.compareAndSet(last, now)) {
            LOG.warn("session '{}' has a full queue (mqtt.max_queued_messages): {} messages dropped on this node"
                    + " since the last warning", LogSafe.escape(clientId), queueDrops.sumThenReset());
        }
    }
}
