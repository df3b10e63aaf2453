package io.starling.cluster.session;

import io.starling.api.store.StoredSubscription;
import io.starling.broker.bootstrap.Starling;
import io.starling.broker.session.Session;
import io.starling.broker.session.SessionDirectory;
import io.starling.broker.session.SessionExport;
import io.starling.broker.session.SessionRegistry;
import io.starling.cluster.ClusterNode;
import io.starling.cluster.retain.HybridClock;
import io.starling.cluster.session.ClientLocks.Claimant;
import io.starling.cluster.session.SessionCodec.ExportCall;
import io.starling.cluster.session.SessionCodec.LockCall;
import io.starling.cluster.session.SessionCodec.Row;
import io.starling.codec.LogSafe;
import io.starling.codec.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session per client id across the cluster. Every CONNECT of a client id (except ids the node assigns) claims
 * the id from its owner, the member chosen by rendezvous hash; the owner lets one claim of an id go at a time, so
 * that CONNECTs of one id racing on several nodes take turns. Holding the claim, the node asks every other member
 * to hand over the id's session: a member that holds one takes it from its connection (DISCONNECT 0x8E), decides
 * its will as a takeover there would, and (unless the CONNECT starts clean) sends it here, where it is imported
 * before the CONNECT opens it. The claim is released once the session is open.
 *
 * <p>Availability first: when the owner or a member does not answer within {@code cluster.takeover_timeout}, the
 * CONNECT goes on without it (logged). Locks of a member that leaves are released. All state changes run on the
 * cluster thread.
 */
public final class ClusterSessions implements SessionDirectory, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterSessions.class);
    static final String LOCK = "session.lock";
    static final String UNLOCK = "session.unlock";
    static final String EXPORT = "session.export";
    static final String HANDOFF = "session.handoff";
    static final String ROWS = "session.rows";
    private static final byte[] EMPTY = new byte[0];

    /** What the directory did since the node started. */
    public record Stats(long claims, long imported, long exported, long unanswered, long claimNanosTotal,
            long claimNanosMax) {
    }

    private final ClusterNode cluster;
    private final Starling node;
    private final SessionRegistry registry;
    private final Duration timeout;
    private final ClientLocks locks;
    /** Epochs of claims made without the owner's lock. */
    private final HybridClock clock = new HybridClock();
    private final AtomicLong tokens = new AtomicLong();
    private final LongAdder claims = new LongAdder();
    private final LongAdder imported = new LongAdder();
    private final LongAdder exported = new LongAdder();
    private final LongAdder unanswered = new LongAdder();
    private final LongAdder claimNanos = new LongAdder();
    private final AtomicLong claimNanosMax = new AtomicLong();
    private volatile boolean closed;
    /** Set once the node stops and hands its sessions over. */
    private volatile boolean fenced;
    /** The rows of the sessions that left this node since it began to stop, at their new holders. */
    private final Set<Row> moved = ConcurrentHashMap.newKeySet();

    private ClusterSessions(ClusterNode cluster, Starling node) {
        this.cluster = cluster;
        this.node = node;
        this.registry = node.services().sessions();
        this.timeout = node.config().cluster().takeoverTimeout();
        // A claim holds its lock for a lock call, an export round and a CONNECT at most: past three timeouts it is
        // lost (its release with it).
        this.locks = new ClientLocks(CompletableFuture.delayedExecutor(timeout.toMillis() * 3, TimeUnit.MILLISECONDS,
                cluster::execute));
    }

    /** Puts the directory in place: from now on every CONNECT on {@code node} claims its client id. */
    public static ClusterSessions start(ClusterNode cluster, Starling node) {
        ClusterSessions sessions = new ClusterSessions(cluster, node);
        cluster.rpc().register(LOCK, sessions::onLock);
        cluster.rpc().register(UNLOCK, sessions::onUnlock);
        cluster.rpc().register(EXPORT, sessions::onExport);
        cluster.rpc().register(HANDOFF, sessions::onHandoff);
        cluster.rpc().register(ROWS, sessions::onRows);
        cluster.onMembership(sessions::membershipChanged);
        node.sessionDirectory(sessions);
        return sessions;
    }

    public Stats stats() {
        return new Stats(claims.sum(), imported.sum(), exported.sum(), unanswered.sum(), claimNanos.sum(),
                claimNanosMax.get());
    }

    // ---- the node where the client connects ----

    @Override
    public CompletionStage<Claim> claim(String clientId, boolean cleanStart) {
        if (closed) {
            return LOCAL.claim(clientId, cleanStart);
        }
        CompletableFuture<Claim> result = new CompletableFuture<>();
        cluster.execute(() -> begin(clientId, cleanStart, result, System.nanoTime()));
        // Should the cluster stop meanwhile (its thread runs nothing more), the CONNECT goes on alone.
        result.completeOnTimeout(NONE, timeout.toMillis() * 3, TimeUnit.MILLISECONDS);
        return result;
    }

    private void begin(String clientId, boolean cleanStart, CompletableFuture<Claim> result, long started) {
        claims.increment();
        Claimant self = new Claimant(cluster.self(), tokens.incrementAndGet());
        List<String> members = new ArrayList<>(cluster.peerNames());
        members.add(cluster.self());
        String owner = Rendezvous.owner(clientId, members);
        lock(owner, clientId, self).whenComplete((epoch, failure) -> cluster.execute(() -> {
            if (failure != null) {
                unanswered.increment();
                LOG.warn("client id '{}': its owner {} did not let the CONNECT claim it ({}); going on without the"
                        + " lock", LogSafe.escape(clientId), owner, failure.getMessage());
                // Should the lock come later, it goes at once.
                unlock(owner, clientId, self);
                takeOver(clientId, cleanStart, clock.tick(), () -> { }, result, started);
            } else {
                clock.observe(epoch);
                AtomicBoolean released = new AtomicBoolean();
                Runnable release = () -> {
                    if (released.compareAndSet(false, true)) {
                        cluster.execute(() -> unlock(owner, clientId, self));
                    }
                };
                takeOver(clientId, cleanStart, epoch, release, result, started);
            }
        }));
    }

    /** Claims {@code clientId}'s lock at its owner: completes with the owner's epoch once granted. */
    private CompletableFuture<Long> lock(String owner, String clientId, Claimant self) {
        if (owner.equals(cluster.self())) {
            return locks.acquire(clientId, self).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        return cluster.rpc().call(owner, LOCK, SessionCodec.lockCall(new LockCall(clientId, self.token())), timeout)
                .thenApply(body -> SessionCodec.decode(body, SessionCodec::readEpoch));
    }

    /** Holding the claim: asks every other member for the session, imports the newest copy, and lets CONNECT go on. */
    private void takeOver(String clientId, boolean cleanStart, long epoch, Runnable release,
            CompletableFuture<Claim> result, long started) {
        Claim claim = new Granted(epoch, release);
        List<String> peers = cluster.peerNames();
        if (peers.isEmpty()) {
            done(result, claim, started);
            return;
        }
        cluster.rpc().callAll(peers, EXPORT, SessionCodec.exportCall(new ExportCall(clientId, cleanStart, epoch)),
                timeout).whenComplete((answers, failure) -> cluster.execute(() -> {
                    try {
                        importNewest(clientId, answers == null ? Map.of() : answers, started);
                    } catch (RuntimeException e) {
                        LOG.warn("client id '{}': the session handed over could not be installed",
                                LogSafe.escape(clientId), e);
                    }
                    done(result, claim, started);
                }));
    }

    private void importNewest(String clientId, Map<String, CompletableFuture<byte[]>> answers, long started) {
        SessionExport newest = null;
        String from = null;
        for (Map.Entry<String, CompletableFuture<byte[]>> e : answers.entrySet()) {
            SessionExport s;
            try {
                s = SessionCodec.decode(e.getValue().join(), SessionCodec::readExported);
            } catch (RuntimeException failure) {
                unanswered.increment();
                Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                LOG.warn("client id '{}': node {} did not hand over its session, if it has one ({}); the CONNECT goes"
                        + " on without it", LogSafe.escape(clientId), e.getKey(), cause.getMessage());
                continue;
            }
            if (s == null) {
                continue;
            }
            if (newest != null) {
                // Only after a split or a claim without the lock: two nodes had a session of the id.
                SessionExport older = s.lastSeenMillis() > newest.lastSeenMillis() ? newest : s;
                LOG.warn("client id '{}': {} and {} both held a session; the older one ({} messages) is dropped",
                        LogSafe.escape(clientId), from, e.getKey(), older.inflight().size() + older.queued().size());
            }
            if (newest == null || s.lastSeenMillis() > newest.lastSeenMillis()) {
                newest = s;
                from = e.getKey();
            }
        }
        if (newest != null) {
            registry.importSession(newest);
            imported.increment();
            cluster.admin().tookOver(from, (System.nanoTime() - started) / 1_000_000);
            LOG.debug("client id '{}': session taken over from {} ({} in flight, {} queued)", LogSafe.escape(clientId),
                    from, newest.inflight().size(), newest.queued().size());
        }
    }

    private void done(CompletableFuture<Claim> result, Claim claim, long started) {
        long nanos = System.nanoTime() - started;
        claimNanos.add(nanos);
        claimNanosMax.accumulateAndGet(nanos, Math::max);
        if (!result.complete(claim)) {
            claim.release(); // the CONNECT went on without it
        }
    }

    private void unlock(String owner, String clientId, Claimant claimant) {
        if (owner.equals(cluster.self())) {
            locks.release(clientId, claimant);
            return;
        }
        cluster.rpc().call(owner, UNLOCK, SessionCodec.lockCall(new LockCall(clientId, claimant.token())), timeout)
                .whenComplete((ok, failure) -> {
                    if (failure != null) {
                        LOG.debug("client id '{}': releasing its claim on {} failed: {}", LogSafe.escape(clientId),
                                owner, failure.getMessage());
                    }
                });
    }

    /** A claim granted: released once, by the CONNECT that made it. */
    private record Granted(long epoch, Runnable onRelease) implements Claim {
        @Override
        public void release() {
            onRelease.run();
        }
    }

    // ---- the owner of a client id and the nodes that hold sessions ----

    private CompletionStage<byte[]> onLock(String fromNode, byte[] body) {
        LockCall call = SessionCodec.decode(body, SessionCodec::readLockCall);
        return locks.acquire(call.clientId(), new Claimant(fromNode, call.token())).thenApply(SessionCodec::epoch);
    }

    private CompletionStage<byte[]> onUnlock(String fromNode, byte[] body) {
        LockCall call = SessionCodec.decode(body, SessionCodec::readLockCall);
        locks.release(call.clientId(), new Claimant(fromNode, call.token()));
        return CompletableFuture.completedFuture(EMPTY);
    }

    private CompletionStage<byte[]> onExport(String fromNode, byte[] body) {
        ExportCall call = SessionCodec.decode(body, SessionCodec::readExportCall);
        return registry.exportSession(call.clientId(), call.cleanStart()).thenApply(s -> {
            if (s != null) {
                movedTo(fromNode, s);
                exported.increment();
                LOG.debug("client id '{}': session handed over to {}", LogSafe.escape(call.clientId()), fromNode);
            }
            return SessionCodec.exported(s);
        });
    }

    /** A member stopping gracefully hands one of its persistent sessions here: it waits here for its client. */
    private CompletionStage<byte[]> onHandoff(String fromNode, byte[] body) {
        SessionExport s = SessionCodec.decode(body, SessionCodec::readExported);
        if (s != null) {
            registry.importSession(s);
            imported.increment();
            LOG.debug("client id '{}': session handed over by {}, which is stopping", LogSafe.escape(s.clientId()),
                    fromNode);
        }
        return CompletableFuture.completedFuture(EMPTY);
    }

    /**
     * The node stops (its listeners closed, its clients still connected): from now on the other nodes keep routing
     * to it what its persistent sessions subscribed to, and it refuses those forwarded messages (see
     * {@link ClusterNode#handingOver}), until their sessions are at their new holders and every node routes there.
     */
    public void stopping() {
        if (closed || !node.config().cluster().handOverOnStop() || cluster.peerNames().isEmpty()) {
            return;
        }
        Set<String> filters = new HashSet<>();
        for (Session session : registry.all()) {
            if (session.expirySeconds() != 0) {
                filters.addAll(session.subscriptions().keySet());
            }
        }
        cluster.handingOver(filters);
        fenced = true;
    }

    private void movedTo(String holder, SessionExport s) {
        if (fenced) {
            for (StoredSubscription sub : s.subscriptions()) {
                if (!Topics.isShared(sub.topicFilter())) {
                    moved.add(new Row(holder, sub.topicFilter()));
                }
            }
        }
    }

    /** Whether this node routes to each of the rows. */
    private CompletionStage<byte[]> onRows(String fromNode, byte[] body) {
        List<Row> rows = SessionCodec.decode(body, SessionCodec::readRows);
        // Held here: the session moved on to this node since (its client reconnected here).
        boolean all = rows.stream().allMatch(r -> r.node().equals(cluster.self()) || cluster.holdsLocally(r.filter())
                || cluster.hasRow(r.node(), r.filter()));
        return CompletableFuture.completedFuture(SessionCodec.yes(all));
    }

    /**
     * Waits, until {@code deadline}, for every other node to route to the new holders of the sessions that left:
     * only then may this node leave, and its rows with it, without a moment in which a publish finds no subscriber.
     */
    private void awaitRowsElsewhere(long deadline) throws InterruptedException {
        List<Row> rows = List.copyOf(moved);
        if (rows.isEmpty()) {
            return;
        }
        byte[] call = SessionCodec.rows(rows);
        List<String> waiting = new ArrayList<>(cluster.peerNames());
        while (!waiting.isEmpty() && System.nanoTime() < deadline) {
            Duration left = Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
            waiting.removeIf(peer -> {
                try {
                    return SessionCodec.decode(cluster.rpc().call(peer, ROWS, call, left)
                            .get(left.toMillis(), TimeUnit.MILLISECONDS), SessionCodec::readYes);
                } catch (ExecutionException | TimeoutException e) {
                    return true; // gone or not answering: nothing to wait for there
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return true;
                }
            });
            if (!waiting.isEmpty()) {
                Thread.sleep(10);
            }
        }
        if (!waiting.isEmpty()) {
            LOG.warn("stopping: {} did not route to the new holders of the sessions handed over in time", waiting);
        }
    }

    /**
     * The node stops gracefully: each persistent session here (connected or not; a connection is told 0x8E, as in
     * a takeover, and reconnects elsewhere: this node takes no new connections) moves to the member rendezvous
     * hashing picks among the others — the one a CONNECT will ask once this node is gone — so that its client
     * finds it, and messages published for it queue there, while this node is down. Waits
     * {@code cluster.takeover_timeout} at most; a session not taken in time is put back here and stays in the
     * storage, as without a cluster.
     */
    public void drain() {
        if (closed || !node.config().cluster().handOverOnStop()) {
            return;
        }
        List<String> peers = cluster.peerNames();
        if (peers.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, LongAdder> handed = new TreeMap<>();
        peers.forEach(p -> handed.put(p, new LongAdder()));
        LongAdder kept = new LongAdder();
        List<CompletableFuture<Void>> moves = new ArrayList<>();
        for (Session session : List.copyOf(registry.all())) {
            if (session.expirySeconds() == 0) {
                continue;
            }
            String clientId = session.clientId();
            String to = Rendezvous.owner(clientId, peers);
            CompletableFuture<Boolean> moved = new CompletableFuture<>();
            cluster.execute(() -> handOver(clientId, to, deadline, moved));
            moves.add(moved.thenAccept(ok -> (ok ? handed.get(to) : kept).increment()));
        }
        try {
            // Each move ends by the deadline; the margin lets those that failed be put back here.
            CompletableFuture.allOf(moves.toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis() * 2 + 1_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("handing the persistent sessions to other members did not finish: {}", e.toString());
        }
        try {
            awaitRowsElsewhere(System.nanoTime() + timeout.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        StringBuilder to = new StringBuilder();
        handed.forEach((peer, n) -> {
            if (n.sum() > 0) {
                to.append(to.isEmpty() ? "" : ", ").append(n.sum()).append(" to ").append(peer);
            }
        });
        LOG.info("stopping: {} persistent sessions handed over ({}), {} kept here",
                handed.values().stream().mapToLong(LongAdder::sum).sum(), to.isEmpty() ? "none" : to, kept.sum());
    }

    /**
     * Moves one session to {@code to} holding its client id's lock, as a CONNECT's claim does: the client, told
     * 0x8E, reconnects at once somewhere, and its claim there waits for the lock, then finds the session at
     * {@code to}. Completes with false when the session stays here.
     */
    private void handOver(String clientId, String to, long deadline, CompletableFuture<Boolean> moved) {
        Claimant self = new Claimant(cluster.self(), tokens.incrementAndGet());
        List<String> members = new ArrayList<>(cluster.peerNames());
        members.add(cluster.self());
        String owner = Rendezvous.owner(clientId, members);
        // Without the lock (its owner did not answer) the move goes on: the session must not stay behind.
        lock(owner, clientId, self).handle((epoch, failure) -> null)
                .thenCompose(granted -> registry.handOver(clientId).toCompletableFuture())
                .thenCompose(s -> {
                    if (s == null) {
                        return CompletableFuture.completedFuture(false);
                    }
                    Duration left = Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
                    return cluster.rpc().call(to, HANDOFF, SessionCodec.exported(s), left).handle((ok, failure) -> {
                        if (failure == null) {
                            movedTo(to, s);
                            exported.increment();
                            return true;
                        }
                        LOG.warn("client id '{}': {} did not take the session ({}); it stays here",
                                LogSafe.escape(clientId), to, failure.getMessage());
                        registry.importSession(s);
                        return false;
                    });
                })
                .whenComplete((ok, failure) -> {
                    cluster.execute(() -> unlock(owner, clientId, self));
                    if (failure != null) {
                        LOG.warn("client id '{}': the session could not be handed over: {}", LogSafe.escape(clientId),
                                failure.toString());
                    }
                    moved.complete(failure == null && ok);
                });
    }

    private void membershipChanged(List<String> peers) {
        List<String> members = new ArrayList<>(peers);
        members.add(cluster.self());
        locks.retainOnly(members);
    }

    @Override
    public void close() {
        closed = true;
        node.sessionDirectory(null);
    }
}
