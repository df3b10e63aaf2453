package io.starling.broker.retain;

import io.starling.api.Message;
import io.starling.api.MessageProperties;
import io.starling.api.store.RetainedStore;
import io.starling.broker.config.MqttConfig;
import io.starling.broker.storage.NodeStorage;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The node's retained messages: a topic index on the heap ({@link RetainedStore}) and, on a durable storage,
 * the messages themselves on disk. There the index holds only a stub per topic (topic, QoS, expiry), so a large
 * retained set costs the heap its topics, not its payloads; {@link #load} reads the full messages back, off the
 * network threads, when a subscription needs them.
 */
public final class RetainedMessages {
    private static final byte[] NO_PAYLOAD = new byte[0];

    private final RetainedStore index;
    private final NodeStorage storage;
    private volatile ChangeListener listener = ChangeListener.NONE;

    /**
     * Told of each change made on this node (a retained publish or a removal), in the order the index took them,
     * under this object's lock: the cluster copies them to the other nodes. Not told of changes copied from another
     * node, nor of expiry, which every node applies by itself.
     */
    public interface ChangeListener {
        ChangeListener NONE = (topic, message) -> { };

        /** {@code message} is null when the topic's retained message was removed. */
        void changed(String topic, Message message);
    }

    public RetainedMessages(RetainedStore index, NodeStorage storage) {
        this.index = index;
        this.storage = storage;
    }

    // One lock over the index and the storage's queue (both in memory, neither blocks): a topic's changes reach
    // the storage in the order the index took them, and removing an expired message cannot remove the one that
    // replaced it.
    public synchronized void put(Message message) {
        putReplicated(message);
        listener.changed(message.topic(), message);
    }

    /** Stores a retained message another node took (its listener not told). */
    public synchronized void putReplicated(Message message) {
        index.put(storage.durable() ? stub(message) : message);
        storage.putRetained(message);
    }

    /** Clears a topic another node cleared (its listener not told). */
    public synchronized void removeReplicated(String topic) {
        index.remove(topic);
        storage.removeRetained(topic);
    }

    /** Who is told of this node's changes from now on; see {@link ChangeListener}. */
    public void listen(ChangeListener changeListener) {
        this.listener = changeListener == null ? ChangeListener.NONE : changeListener;
    }

    /**
     * Why {@code message} may not be retained under {@code limits} (too large, or a new topic beyond the count),
     * or null when it may. Removing (an empty payload) and replacing are always allowed.
     */
    public String quotaProblem(Message message, MqttConfig limits) {
        int size = message.payload().length;
        if (size == 0) {
            return null;
        }
        if (size > limits.maxRetainedPayloadSize()) {
            return "a payload of " + size + " bytes is over mqtt.max_retained_payload_size ("
                    + limits.maxRetainedPayloadSize() + " bytes)";
        }
        long max = limits.maxRetainedMessages();
        if (max > 0 && index.size() >= max && index.get(message.topic()).isEmpty()) {
            return "the node holds " + index.size() + " retained messages, mqtt.max_retained_messages is " + max;
        }
        return null;
    }

    public synchronized void remove(String topic) {
        removeReplicated(topic);
        listener.changed(topic, null);
    }

    /** Clears the topic's retained message; false when it had none. */
    public synchronized boolean removeIfPresent(String topic) {
        if (index.get(topic).isEmpty()) {
            return false;
        }
        remove(topic);
        return true;
    }

    /** The index entry of one topic (a stub on a durable storage: pass it to {@link #load}). */
    public java.util.Optional<Message> entry(String topic) {
        return index.get(topic);
    }

    /** Removes {@code expired}, an entry from {@link #matching}, unless its topic has been given another since. */
    public synchronized boolean removeExpired(Message expired) {
        if (index.get(expired.topic()).orElse(null) != expired) {
            return false;
        }
        index.remove(expired.topic());
        storage.removeRetained(expired.topic());
        return true;
    }

    /**
     * Removes every message whose expiry has passed, from the index and the storage; returns how many. Walks the
     * index, never the storage, so it costs the heap nothing and the disk one delete per expired message.
     */
    public int removeAllExpired(long nowMillis) {
        int removed = 0;
        Iterator<Message> all = index.matching("#");
        while (all.hasNext()) {
            Message m = all.next();
            if (m.isExpired(nowMillis) && removeExpired(m)) {
                removed++;
            }
        }
        return removed;
    }

    /** At start-up: the message read from the storage goes into the index. */
    public void restore(Message message) {
        index.put(storage.durable() ? stub(message) : message);
    }

    /** The index entries matching {@code topicFilter}, walked as the caller iterates; pass them to {@link #load}. */
    public Iterator<Message> matching(String topicFilter) {
        return index.matching(topicFilter);
    }

    /**
     * The full messages of index entries from {@link #matching}, in order; those cleared meanwhile are left out.
     * Completes at once on the memory storage.
     */
    public CompletionStage<List<Message>> load(List<Message> entries) {
        if (!storage.durable() || entries.isEmpty()) {
            return CompletableFuture.completedFuture(entries);
        }
        List<String> topics = new ArrayList<>(entries.size());
        for (Message m : entries) {
            topics.add(m.topic());
        }
        return storage.readRetained(topics);
    }

    public long size() {
        return index.size();
    }

    public void close() {
        index.close();
    }

    /** What the index keeps of a stored message: enough to match it and to skip it once it has expired. */
    private static Message stub(Message m) {
        Long expiry = m.properties().messageExpirySeconds();
        MessageProperties props = expiry == null ? MessageProperties.NONE
                : MessageProperties.NONE.withMessageExpirySeconds(expiry);
        return new Message(m.topic(), NO_PAYLOAD, m.qos(), true, props, null, m.createdAtMillis());
    }
}
