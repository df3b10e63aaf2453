package io.starling.cluster.session;

import io.starling.cluster.retain.HybridClock;
import io.starling.codec.LogSafe;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The locks of the client ids this node owns: one claim at a time per client id, the others wait in the order they
 * came, so that CONNECTs of one id on several nodes take turns. Each grant carries an epoch later than every one this
 * node gave before. A claim is held until released, until its node leaves, or at most for the lease. Used on the
 * cluster thread only.
 */
final class ClientLocks {
    private static final Logger LOG = LoggerFactory.getLogger(ClientLocks.class);

    /** One claim: the node that made it and a number unique on that node. */
    record Claimant(String node, long token) {
    }

    private record Waiting(Claimant claimant, CompletableFuture<Long> granted) {
    }

    private static final class Lock {
        Claimant holder;
        final ArrayDeque<Waiting> waiting = new ArrayDeque<>(2);
    }

    private final Map<String, Lock> locks = new HashMap<>();
    private final HybridClock clock = new HybridClock();
    /** Runs a task on the cluster thread once a lease has run out. */
    private final Executor afterLease;

    ClientLocks(Executor afterLease) {
        this.afterLease = afterLease;
    }

    /** Completes with the epoch once {@code claimant} holds the lock of the client id. */
    CompletableFuture<Long> acquire(String clientId, Claimant claimant) {
        Lock lock = locks.computeIfAbsent(clientId, id -> new Lock());
        CompletableFuture<Long> granted = new CompletableFuture<>();
        if (lock.holder == null) {
            grant(clientId, lock, claimant, granted);
        } else {
            lock.waiting.add(new Waiting(claimant, granted));
        }
        return granted;
    }

    /** The claimant is done, or gave up waiting: the next one gets the lock. */
    void release(String clientId, Claimant claimant) {
        Lock lock = locks.get(clientId);
        if (lock == null) {
            return;
        }
        if (claimant.equals(lock.holder)) {
            next(clientId, lock);
            return;
        }
        Iterator<Waiting> it = lock.waiting.iterator();
        while (it.hasNext()) {
            Waiting w = it.next();
            if (w.claimant.equals(claimant)) {
                it.remove();
                w.granted.completeExceptionally(new IllegalStateException("withdrawn"));
            }
        }
    }

    /** Releases the claims of nodes that are no longer members, held or waiting. */
    void retainOnly(Collection<String> members) {
        for (Map.Entry<String, Lock> e : Map.copyOf(locks).entrySet()) {
            Lock lock = e.getValue();
            lock.waiting.removeIf(w -> {
                if (members.contains(w.claimant.node)) {
                    return false;
                }
                w.granted.completeExceptionally(new IllegalStateException(w.claimant.node + " left"));
                return true;
            });
            if (lock.holder != null && !members.contains(lock.holder.node)) {
                LOG.info("client id lock of '{}' released: {} left the cluster", LogSafe.escape(e.getKey()),
                        lock.holder.node);
                next(e.getKey(), lock);
            }
        }
    }

    /** Client ids locked now, or waited for. */
    int size() {
        return locks.size();
    }

    private void next(String clientId, Lock lock) {
        lock.holder = null;
        Waiting w;
        while ((w = lock.waiting.poll()) != null) {
            if (!w.granted.isDone()) { // not given up meanwhile
                grant(clientId, lock, w.claimant, w.granted);
                return;
            }
        }
        locks.remove(clientId);
    }

    private void grant(String clientId, Lock lock, Claimant claimant, CompletableFuture<Long> granted) {
        lock.holder = claimant;
        afterLease.execute(() -> {
            if (locks.get(clientId) == lock && claimant.equals(lock.holder)) {
                LOG.warn("client id lock of '{}' held by {} longer than its lease: released", LogSafe.escape(clientId),
                        claimant.node);
                next(clientId, lock);
            }
        });
        granted.complete(clock.tick());
    }
}
