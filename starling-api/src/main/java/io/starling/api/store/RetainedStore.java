package io.starling.api.store;

import io.starling.api.Message;
import java.util.Iterator;
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

    /**
     * The retained messages whose topic matches {@code topicFilter}, found as the caller iterates: a large set is
     * streamed, never collected. Weakly consistent: changes made meanwhile may or may not be seen.
     */
    Iterator<Message> matching(String topicFilter);

    /** Calls {@code sink} with every retained message whose topic matches {@code topicFilter}. */
    default void forEachMatching(String topicFilter, Consumer<Message> sink) {
        matching(topicFilter).forEachRemaining(sink);
    }

    long size();

    @Override
    default void close() {
    }
}
