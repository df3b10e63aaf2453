package io.starling.broker.storage;

import io.starling.api.Message;
import io.starling.api.store.Storage;
import io.starling.api.store.StoredDelivery;
import io.starling.api.store.StoredSession;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * {@code storage.type = memory}: the heap is the only copy. Sessions survive disconnects, not restarts, and the
 * node skips every storage step, so this is also the fastest choice.
 */
public final class MemoryStorage implements Storage {
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    @Override
    public boolean durable() {
        return false;
    }

    @Override
    public void saveSession(StoredSession session) {
    }

    @Override
    public void deleteSession(String clientId) {
    }

    @Override
    public void putQueued(String clientId, StoredDelivery delivery) {
    }

    @Override
    public void markInFlight(String clientId, long seq, int packetId, boolean pubrelSent) {
    }

    @Override
    public void removeQueued(String clientId, long seq) {
    }

    @Override
    public void addInboundQos2(String clientId, int packetId) {
    }

    @Override
    public void removeInboundQos2(String clientId, int packetId) {
    }

    @Override
    public void putRetained(Message message) {
    }

    @Override
    public void removeRetained(String topic) {
    }

    @Override
    public CompletionStage<Void> barrier() {
        return DONE;
    }

    @Override
    public CompletionStage<List<StoredDelivery>> readQueued(String clientId, long[] seqs) {
        return CompletableFuture.completedFuture(List.of());
    }

    @Override
    public CompletionStage<List<Message>> readRetained(List<String> topics) {
        return CompletableFuture.completedFuture(List.of());
    }

    @Override
    public void forEachSession(Consumer<StoredSession> sink) {
    }

    @Override
    public void forEachRetained(Consumer<Message> sink) {
    }

    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "memory storage (nothing survives a restart)";
    }
}
