package io.starling.cluster.retain;

import io.starling.api.Message;
import io.starling.broker.retain.RetainedMessages;
import io.starling.cluster.control.ControlMessage.RetainedChange;
import io.starling.cluster.control.ControlMessage.RetainedChanges;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Retained messages on every node, last writer wins: each change made here gets a hybrid-clock time and is sent to
 * the other nodes; a change from another node is applied when it is later than what this node holds (ties broken
 * by node name). A removal is kept as a tombstone for a day, so that a node met later does not bring the message
 * back. A message this node holds without a time (restored from storage) counts from its creation.
 * Topics starting with {@code $} ($SYS) are each node's own and are not copied.
 */
public final class RetainedReplicator implements RetainedMessages.ChangeListener {
    private static final long TOMBSTONE_MILLIS = 24 * 60 * 60 * 1000L;

    /** When and by whom a topic was last changed. */
    record Stamp(long hlc, String origin, boolean removed, long atMillis) {
        boolean before(long otherHlc, String otherOrigin) {
            return hlc < otherHlc || (hlc == otherHlc && origin.compareTo(otherOrigin) < 0);
        }
    }

    private final String self;
    private final RetainedMessages retained;
    private final HybridClock clock = new HybridClock();
    private final Map<String, Stamp> stamps = new ConcurrentHashMap<>();
    private List<RetainedChange> pending = new ArrayList<>();

    public RetainedReplicator(String self, RetainedMessages retained) {
        this.self = self;
        this.retained = retained;
    }

    /** Called under the retained messages' lock, in the order they took the changes. */
    @Override
    public void changed(String topic, Message message) {
        if (topic.startsWith("$")) {
            return;
        }
        long hlc = clock.tick();
        stamps.put(topic, new Stamp(hlc, self, message == null, System.currentTimeMillis()));
        synchronized (this) {
            pending.add(new RetainedChange(topic, hlc, self, message));
        }
    }

    /** The changes made here since the last call, or null. */
    public synchronized RetainedChanges nextBatch() {
        if (pending.isEmpty()) {
            return null;
        }
        RetainedChanges batch = new RetainedChanges(pending);
        pending = new ArrayList<>();
        return batch;
    }

    /** Applies another node's changes that are later than this node's; returns how many were. */
    public int apply(List<RetainedChange> changes) {
        int applied = 0;
        for (RetainedChange c : changes) {
            if (c.topic().startsWith("$") || c.origin() == null) {
                continue;
            }
            clock.observe(c.hlc());
            synchronized (retained) {
                Stamp current = current(c.topic());
                if (current != null && !current.before(c.hlc(), c.origin())) {
                    continue;
                }
                if (c.message() == null) {
                    retained.removeReplicated(c.topic());
                } else {
                    retained.putReplicated(c.message());
                }
                stamps.put(c.topic(), new Stamp(c.hlc(), c.origin(), c.message() == null,
                        System.currentTimeMillis()));
                applied++;
            }
        }
        return applied;
    }

    private Stamp current(String topic) {
        Stamp s = stamps.get(topic);
        if (s != null) {
            return s;
        }
        return retained.entry(topic).map(m -> new Stamp(HybridClock.ofMillis(m.createdAtMillis()), "", false, 0))
                .orElse(null);
    }

    /** Everything this node holds, with the tombstones, for a node it meets; loaded from storage off this thread. */
    public CompletionStage<List<RetainedChange>> snapshot() {
        List<Message> entries = new ArrayList<>();
        Iterator<Message> all = retained.matching("#");
        while (all.hasNext()) {
            Message m = all.next();
            if (!m.topic().startsWith("$")) {
                entries.add(m);
            }
        }
        Map<String, Stamp> tombstones = new java.util.HashMap<>();
        stamps.forEach((topic, s) -> {
            if (s.removed()) {
                tombstones.put(topic, s);
            }
        });
        return retained.load(entries).thenApply(messages -> {
            List<RetainedChange> out = new ArrayList<>(messages.size() + tombstones.size());
            for (Message m : messages) {
                Stamp s = stamps.get(m.topic());
                if (s == null || s.removed()) {
                    s = new Stamp(HybridClock.ofMillis(m.createdAtMillis()), "", false, 0);
                }
                out.add(new RetainedChange(m.topic(), s.hlc(), s.origin(), m));
            }
            tombstones.forEach((topic, s) -> out.add(new RetainedChange(topic, s.hlc(), s.origin(), null)));
            return out;
        });
    }

    /** Forgets tombstones older than a day. */
    public void purgeTombstones(long nowMillis) {
        stamps.values().removeIf(s -> s.removed() && nowMillis - s.atMillis() > TOMBSTONE_MILLIS);
    }
}
