package io.starling.broker.module;

import io.starling.api.Message;
import io.starling.api.store.StoredDelayed;
import io.starling.broker.storage.NodeStorage;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delayed publish: a message to {@code $delayed/<seconds>/<topic>} is published to {@code <topic>} that many
 * seconds later. With a durable storage the waiting messages are stored and published after a restart (at once
 * when their time passed while the node was down).
 */
public final class DelayedPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(DelayedPublisher.class);
    public static final String PREFIX = "$delayed/";

    /** What {@code $delayed/<seconds>/<topic>} asks for; {@code problem} says why it cannot be, else null. */
    public record Request(long seconds, String topic, String problem) {
    }

    private final Duration maxDelay;
    private final int maxWaiting;
    private final int maxPerClient;
    /** Messages waiting per publisher (client id; "" for the node's own sources): one client cannot fill the node. */
    private final ConcurrentHashMap<String, Integer> perClient = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler;
    /** Where a due message goes: the publish gate's {@code publishDue}. */
    private final Consumer<Message> publisher;
    private final NodeStorage storage;
    private final AtomicLong ids = new AtomicLong(System.currentTimeMillis() * 1000);
    private final AtomicInteger waiting = new AtomicInteger();

    public DelayedPublisher(Duration maxDelay, int maxWaiting, int maxPerClient, ScheduledExecutorService scheduler,
            Consumer<Message> publisher, NodeStorage storage) {
        this.maxDelay = maxDelay;
        this.maxWaiting = maxWaiting;
        this.maxPerClient = maxPerClient;
        this.scheduler = scheduler;
        this.publisher = publisher;
        this.storage = storage;
    }

    public static boolean isDelayed(String topic) {
        return topic.startsWith(PREFIX);
    }

    public Request parse(String topic) {
        int slash = topic.indexOf('/', PREFIX.length());
        if (slash < 0 || slash == topic.length() - 1) {
            return new Request(0, null, "'" + topic + "' is not $delayed/<seconds>/<topic>");
        }
        long seconds;
        try {
            seconds = Long.parseLong(topic.substring(PREFIX.length(), slash));
        } catch (NumberFormatException e) {
            seconds = -1;
        }
        if (seconds < 0) {
            return new Request(0, null, "'" + topic + "': the delay must be a whole number of seconds");
        }
        if (seconds > maxDelay.toSeconds()) {
            return new Request(0, null, "'" + topic + "': a delay of " + seconds + " s is over the maximum of "
                    + maxDelay.toSeconds() + " s");
        }
        return new Request(seconds, topic.substring(slash + 1), null);
    }

    /** Stores and schedules the message; false when too many wait already, on the node or from its publisher. */
    public boolean schedule(Message message, long seconds) {
        if (waiting.incrementAndGet() > maxWaiting) {
            waiting.decrementAndGet();
            return false;
        }
        boolean[] admitted = {false};
        perClient.compute(publisherKey(message), (k, n) -> {
            int now = n == null ? 0 : n;
            admitted[0] = now < maxPerClient;
            return admitted[0] ? now + 1 : n;
        });
        if (!admitted[0]) {
            waiting.decrementAndGet();
            return false;
        }
        StoredDelayed d = new StoredDelayed(ids.incrementAndGet(), System.currentTimeMillis() + seconds * 1000, message);
        storage.putDelayed(d);
        arm(d);
        return true;
    }

    /** Puts back what the storage held at start-up. */
    public void restore(StoredDelayed d) {
        waiting.incrementAndGet();
        perClient.merge(publisherKey(d.message()), 1, Integer::sum);
        ids.accumulateAndGet(d.id(), Math::max);
        arm(d);
    }

    public int waiting() {
        return waiting.get();
    }

    private static String publisherKey(Message m) {
        return m.publisherId() == null ? "" : m.publisherId();
    }

    private void arm(StoredDelayed d) {
        long delay = Math.max(0, d.dueMillis() - System.currentTimeMillis());
        scheduler.schedule(() -> due(d), delay, TimeUnit.MILLISECONDS);
    }

    private void due(StoredDelayed d) {
        try {
            publisher.accept(d.message().withCreatedAt(System.currentTimeMillis()));
        } catch (RuntimeException e) {
            LOG.warn("delayed message to '{}' not published: {}", d.message().topic(), e.toString());
        } finally {
            waiting.decrementAndGet();
            perClient.computeIfPresent(publisherKey(d.message()), (k, n) -> n <= 1 ? null : n - 1);
            storage.removeDelayed(d.id());
        }
    }
}
