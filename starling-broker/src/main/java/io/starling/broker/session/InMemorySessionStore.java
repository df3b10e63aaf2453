package io.starling.broker.session;

import io.starling.api.store.SessionStore;
import io.starling.api.store.StoredSession;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Keeps persistent sessions on the heap: they survive disconnects, not restarts. */
public final class InMemorySessionStore implements SessionStore {
    private final Map<String, StoredSession> sessions = new ConcurrentHashMap<>();

    @Override
    public void save(StoredSession session) {
        sessions.put(session.clientId(), session);
    }

    @Override
    public Optional<StoredSession> load(String clientId) {
        return Optional.ofNullable(sessions.get(clientId));
    }

    @Override
    public void delete(String clientId) {
        sessions.remove(clientId);
    }

    @Override
    public Collection<StoredSession> loadAll() {
        return new ArrayList<>(sessions.values());
    }
}
