package io.starling.api.store;

import io.starling.api.Message;
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

    long size();

    @Override
    default void close() {
    }
}
