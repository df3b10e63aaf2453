package io.starling.broker.storage;

import io.netty.util.concurrent.FastThreadLocal;
import io.starling.api.Message;
import io.starling.api.store.Storage;
import io.starling.api.store.StoredDelayed;
import io.starling.api.store.StoredDelivery;
import io.starling.api.store.StoredSession;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The node's side of its {@link Storage}: passes changes on, and remembers per thread whether the work in hand
 * made any, so that an acknowledgement waits for a barrier only when there is something to wait for. A QoS 1
 * PUBLISH that reached no persistent session, or a node on the memory storage, pays nothing.
 */
public final class NodeStorage {
    private final Storage storage;
    private final boolean durable;
    private final FastThreadLocal<boolean[]> changed = new FastThreadLocal<>() {
        @Override
        protected boolean[] initialValue() {
            return new boolean[1];
        }
    };

    /**
     * Confirmations the work in hand waits for besides the storage: other nodes storing the copies forwarded to them.
     * Collected only between {@link #startWork} and {@link #barrierForChanges} on a connection's thread, so that a
     * thread that never acknowledges anything (an HTTP publish, a will) collects nothing.
     */
    private final FastThreadLocal<Confirmations> confirmations = new FastThreadLocal<>() {
        @Override
        protected Confirmations initialValue() {
            return new Confirmations();
        }
    };

    private static final class Confirmations {
        boolean collecting;
        final java.util.ArrayList<CompletableFuture<Void>> pending = new java.util.ArrayList<>(2);
    }

    public NodeStorage(Storage storage) {
        this.storage = storage;
        this.durable = storage.durable();
    }

    public boolean durable() {
        return durable;
    }

    /** False while the storage cannot write (a full disk). */
    public boolean writable() {
        return !durable || storage.writable();
    }

    private void mark() {
        changed.get()[0] = true;
    }

    /**
     * The barrier behind the changes this thread made since it last asked, or null when it made none. The
     * caller acknowledges what those changes were for once the barrier completes.
     */
    public CompletionStage<Void> barrierForChanges() {
        CompletionStage<Void> local = null;
        if (durable) {
            boolean[] flag = changed.get();
            if (flag[0]) {
                flag[0] = false;
                local = storage.barrier();
            }
        }
        Confirmations c = confirmations.get();
        c.collecting = false;
        if (c.pending.isEmpty()) {
            return local;
        }
        int n = c.pending.size();
        CompletableFuture<?>[] all = c.pending.toArray(new CompletableFuture<?>[n + (local == null ? 0 : 1)]);
        if (local != null) {
            all[n] = local.toCompletableFuture();
        }
        c.pending.clear();
        return CompletableFuture.allOf(all);
    }

    /**
     * Makes the acknowledgement of the work in hand on this thread wait for {@code confirmation} as well: another
     * node storing a QoS 1/2 message forwarded to it. A failed confirmation fails the acknowledgement (the
     * publisher is told, or sends again). Ignored on a thread that acknowledges nothing.
     */
    public void awaitConfirmation(CompletableFuture<Void> confirmation) {
        Confirmations c = confirmations.get();
        if (c.collecting) {
            c.pending.add(confirmation);
        }
    }

    public CompletionStage<List<StoredDelivery>> readQueued(String clientId, long[] seqs) {
        return storage.readQueued(clientId, seqs);
    }

    /** Forgets what this thread changed so far: called before the work for one packet starts. */
    public void startWork() {
        if (durable) {
            changed.get()[0] = false;
        }
        Confirmations c = confirmations.get();
        c.collecting = true;
        c.pending.clear();
    }

    public CompletionStage<List<Message>> readRetained(List<String> topics) {
        return storage.readRetained(topics);
    }

    public CompletionStage<Void> barrier() {
        return storage.barrier();
    }

    public void saveSession(StoredSession session) {
        if (durable) {
            mark();
            storage.saveSession(session);
        }
    }

    public void deleteSession(String clientId) {
        if (durable) {
            mark();
            storage.deleteSession(clientId);
        }
    }

    public void putQueued(String clientId, StoredDelivery delivery) {
        if (durable) {
            mark();
            storage.putQueued(clientId, delivery);
        }
    }

    public void markInFlight(String clientId, long seq, int packetId, boolean pubrelSent) {
        if (durable) {
            mark();
            storage.markInFlight(clientId, seq, packetId, pubrelSent);
        }
    }

    public void removeQueued(String clientId, long seq) {
        if (durable) {
            mark();
            storage.removeQueued(clientId, seq);
        }
    }

    public void addInboundQos2(String clientId, int packetId) {
        if (durable) {
            mark();
            storage.addInboundQos2(clientId, packetId);
        }
    }

    public void removeInboundQos2(String clientId, int packetId) {
        if (durable) {
            mark();
            storage.removeInboundQos2(clientId, packetId);
        }
    }

    public void putRetained(Message message) {
        if (durable) {
            mark();
            storage.putRetained(message);
        }
    }

    public void removeRetained(String topic) {
        if (durable) {
            mark();
            storage.removeRetained(topic);
        }
    }

    public void putDelayed(StoredDelayed delayed) {
        if (durable) {
            mark();
            storage.putDelayed(delayed);
        }
    }

    public void removeDelayed(long id) {
        if (durable) {
            storage.removeDelayed(id);
        }
    }

    public Storage storage() {
        return storage;
    }

    @Override
    public String toString() {
        return storage.toString();
    }
}
