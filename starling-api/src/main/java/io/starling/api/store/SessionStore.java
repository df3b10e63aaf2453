package io.starling.api.store;

import java.util.Collection;
import java.util.Optional;

/**
 * Keeps persistent sessions and their subscriptions. The in-memory store ships with the broker; a durable one
 * replaces it without changes to the core. Implementations must be thread-safe.
 */
public interface SessionStore extends AutoCloseable {

    void save(StoredSession session);

    Optional<StoredSession> load(String clientId);

    void delete(String clientId);

    Collection<StoredSession> loadAll();

    @Override
    default void close() {
    }
}
