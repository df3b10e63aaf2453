package io.starling.api.store;

import io.starling.api.Message;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Keeps the last retained message of every topic. Implementations must be thread-safe.
 */
public interface RetainedStore extends AutoCloseable {

    /** Stores {@code message} as the retained message of its topic, replacing any earlier one. */
    void put(Message message);

    void remove(String topic);

    Optional<Message> get(String topic);

    /** Calls {@code sink} with every retained message whose topic matches {@code topicFilter}. */
    void forEachMatching(String topicFilter, Consumer<Message> sink);

    /**
     * The retained messages whose topic matches {@code topicFilter}, found as the caller iterates: a large set is
     * streamed, never collected. Weakly consistent: changes made meanwhile may or may not be seen. The default
     * collects them first; implementations that hold many messages should override it.
     */
    default Iterator<Message> matching(String topicFilter) {
        List<Message> all = new ArrayList<>();
        forEachMatching(topicFilter, all::add);
        return all.iterator();
    }

    long size();

    @Override
    default void close() {
    }
}
