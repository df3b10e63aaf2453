package io.starling.broker.session;

import io.starling.api.ClientInfo;
import io.starling.api.Message;
import io.starling.api.hook.HookListener.DropReason;
import io.starling.api.store.StoredDelivery;
import io.starling.api.store.StoredSession;
import io.starling.api.store.StoredSubscription;
import io.starling.broker.delivery.Delivery;
import io.starling.broker.routing.Router;
import io.starling.broker.routing.Subscription;
import io.starling.broker.storage.NodeStorage;
import io.starling.codec.LogSafe;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every session of the node by client id: opens, resumes and takes over sessions, ends them when they expire,
 * and publishes wills when and only when the specification says so. Work for one client id is serialised by a
 * striped lock; wills are published after it is released.
 */
public final class SessionRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(SessionRegistry.class);
    private static final int STRIPES = 256;

    /** The outcome of {@link #open}. */
    public record Opened(Session session, boolean sessionPresent) {
    }

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Object[] locks = new Object[STRIPES];
    private final Router router;
    private final NodeStorage store;
    private final ScheduledExecutorService scheduler;
    /** For sessions created from now on; reload may change it. */
    private volatile SessionSettings settings;
    private final DeliveryEvents events;
    /** Publishes a will (through the publish gate) as the client that set it, captured with the will. */
    private final BiConsumer<ClientInfo, Message> willSink;
    /** Set while the node stops: durable sessions keep their wills for the next start. */
    private volatile boolean stopping;
    private volatile SessionDirectory directory = SessionDirectory.LOCAL;
    /** Limits of their own for some client ids (a bridge's queue bound), whatever the node's. */
    private final Map<String, SessionSettings> pinned = new ConcurrentHashMap<>();
    private static final CompletionStage<SessionExport> NOTHING_MOVES = CompletableFuture.completedStage(null);

    public SessionRegistry(Router router, NodeStorage store, ScheduledExecutorService scheduler,
            SessionSettings settings, DeliveryEvents events, BiConsumer<ClientInfo, Message> willSink) {
        this.router = router;
        this.store = store;
        this.scheduler = scheduler;
        this.settings = settings;
        this.events = events;
        this.willSink = willSink;
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new Object();
        }
    }

    private Object lock(String clientId) {
        return locks[Math.floorMod(clientId.hashCode(), STRIPES)];
    }

    /** Limits for the sessions created from now on (reload); existing sessions keep theirs. */
    public void settings(SessionSettings newSettings) {
        this.settings = newSettings;
    }

    /**
     * Gives the sessions of {@code clientId} created from now on (restored from the storage, too) limits of their
     * own rather than the node's: a bridge's queue is bounded by the bridge's settings. Set before the restore.
     */
    public void pin(String clientId, SessionSettings own) {
        pinned.put(clientId, own);
    }

    /** Counts every message dropped from the sessions of {@code clientId} into {@code counter}; null stops it. */
    public void countDrops(String clientId, java.util.concurrent.atomic.LongAdder counter) {
        events.watch(clientId, counter);
    }

    private SessionSettings settingsFor(String clientId) {
        SessionSettings own = pinned.get(clientId);
        return own != null ? own : settings;
    }

    public Session get(String clientId) {
        return sessions.get(clientId);
    }

    public int size() {
        return sessions.size();
    }

    public Collection<Session> all() {
        return sessions.values();
    }

    /**
     * Gives a new connection its session, with the expiry and will of its CONNECT: takes over the session from the
     * connection that holds it (that connection is told and closed), resumes a stored one unless {@code cleanStart}
     * or it ended with the connection taken over, or creates one. From here the connection owns the session, so
     * that a CONNECT of the same id on another thread takes it over even before it is attached; the session
     * sends nothing to it before {@link #attach}.
     */
    public Opened open(String clientId, boolean cleanStart, ClientConnection connection, long expirySeconds,
            Message will, long willDelaySeconds) {
        Message willToPublish = null;
        List<Delivery> toRedispatch = null;
        Opened opened;
        ClientInfo willOwner = null;
        synchronized (lock(clientId)) {
            Session existing = sessions.get(clientId);
            boolean resume = false;
            boolean foreign = false;
            if (existing != null) {
                TakenOver taken = takeOver(existing);
                toRedispatch = taken.toRedispatch();
                willToPublish = taken.will();
                willOwner = taken.willOwner();
                resume = resumes(existing, cleanStart);
                // Another user's session is not theirs to resume: its subscriptions were authorized for its owner.
                foreign = resume && !existing.belongsTo(connection.client());
                resume &= !foreign;
            }
            Session session = existing;
            if (!resume) {
                if (existing != null) {
                    if (foreign) {
                        LOG.warn("client id '{}': the session of another user is not resumed by user '{}': it ends,"
                                + " and a new one starts", LogSafe.escape(clientId),
                                LogSafe.escape(String.valueOf(connection.client().username())));
                    }
                    end(existing, cleanStart ? "clean_start" : foreign ? "another_user" : "closed");
                }
                session = new Session(clientId, settingsFor(clientId), events, store);
                sessions.put(clientId, session);
            }
            session.owner(connection);
            ClientInfo client = connection.client();
            if (!resume || session.principal() == null
                    || Objects.equals(session.principal().username(), client.username())) {
                // A superuser resuming a user's session leaves it that user's.
                session.principal(new StoredSession.Owner(client.username(), client.superuser()));
            }
            session.expirySeconds(expirySeconds);
            session.will(will, willDelaySeconds, will == null ? null : client);
            // A durable session resumed with expiry 0 stays durable until it ends at disconnect: part of its queue
            // may be in the storage only.
            session.durable(session.durable() || (store.durable() && expirySeconds > 0));
            saveToStore(session);
            opened = new Opened(session, resume);
        }
        if (toRedispatch != null) {
            redispatch(opened.session(), toRedispatch);
        }
        if (willToPublish != null) {
            willSink.accept(willOwner, willToPublish);
        }
        return opened;
    }

    /** What taking a session from its connection leaves to do once the lock is released. */
    private record TakenOver(List<Delivery> toRedispatch, Message will, ClientInfo willOwner) {
    }

    /**
     * A new connection takes {@code existing} over: the connection that owns it is told and detached, and its will
     * decided. Caller holds the stripe lock.
     */
    private static TakenOver takeOver(Session existing) {
        List<Delivery> toRedispatch = null;
        Message willToPublish = null;
        ClientInfo willOwner = null;
        ClientConnection old = existing.owner();
        if (old != null) {
            existing.owner(null);
            // Null when the old connection has not attached yet: it never will.
            toRedispatch = existing.detach(old);
            old.takenOver();
            Message oldWill = existing.takeWill();
            // [MQTT-3.1.2-8]: this connection came before the old will's delay ran out; without one it is due.
            if (oldWill != null && existing.willDelaySeconds() == 0) {
                willToPublish = oldWill;
                willOwner = existing.willOwner();
            }
        }
        // A will waiting out its delay is not sent: the client is back in time ([MQTT-3.1.2-8]), even when it
        // starts clean and so ends the session the will belonged to.
        existing.cancelPendingWill();
        existing.expiryTask(null);
        return new TakenOver(toRedispatch, willToPublish, willOwner);
    }

    /** Expiry 0: the session ended with the connection taken over ([MQTT-3.1.2-6], [MQTT-3.2.2-3]). */
    private static boolean resumes(Session existing, boolean cleanStart) {
        return !cleanStart && existing.expirySeconds() > 0;
    }

    /**
     * The connection has sent CONNACK: the session starts sending to it (what was in flight, then the queue).
     * Nothing happens when another connection took the session over since {@link #open}: this one is closing.
     */
    public void attach(Session session, ClientConnection connection, int clientReceiveMaximum) {
        synchronized (lock(session.clientId())) {
            if (session.owner() == connection) {
                session.attach(connection, clientReceiveMaximum);
            }
        }
    }

    /**
     * The node is stopping: from now on a durable session whose connection closes keeps its will, stored, and
     * the restarted node publishes it after its delay unless the client is back by then. Other sessions'
     * wills are not published: the clients did nothing wrong.
     */
    public void stopping() {
        stopping = true;
    }

    /**
     * The session's connection closed. {@code publishWill} is false after a normal DISCONNECT. The session
     * ends now when its expiry is 0, else when the expiry runs out; the will goes out after its delay or when
     * the session ends, whichever is first.
     */
    public void closed(Session session, ClientConnection connection, boolean publishWill) {
        Message willNow = null;
        ClientInfo willOwner = null;
        List<Delivery> shared;
        synchronized (lock(session.clientId())) {
            if (session.owner() != connection) {
                return; // taken over: the session is another connection's now, or ended
            }
            session.owner(null);
            shared = session.detach(connection);
            if (shared == null) {
                shared = List.of(); // closed before it attached
            }
            willOwner = session.willOwner();
            Message will = session.takeWill();
            long expiry = session.expirySeconds();
            if (stopping) {
                if (will != null && session.durable() && expiry > 0 && publishWill) {
                    session.will(will, session.willDelaySeconds());
                }
                saveToStore(session);
                return;
            }
            if (!publishWill) {
                will = null;
            }
            if (expiry == 0) {
                if (sessions.remove(session.clientId(), session)) {
                    end(session, "closed");
                }
                willNow = will;
            } else {
                if (expiry != StoredSession.NEVER_EXPIRES) {
                    session.expiryTask(scheduler.schedule(() -> expire(session), expiry, TimeUnit.SECONDS));
                }
                if (will != null) {
                    long delay = Math.min(session.willDelaySeconds(), expiry);
                    if (delay == 0) {
                        willNow = will;
                    } else {
                        session.will(will, session.willDelaySeconds());
                        session.willTask(scheduler.schedule(() -> fireWill(session), delay, TimeUnit.SECONDS));
                    }
                }
                saveToStore(session);
            }
        }
        redispatch(session, shared);
        if (willNow != null) {
            willSink.accept(willOwner, willNow);
        }
    }

    private void fireWill(Session session) {
        Message will;
        ClientInfo owner;
        synchronized (lock(session.clientId())) {
            if (session.owner() != null) {
                return;
            }
            owner = session.willOwner();
            will = session.cancelPendingWill();
            if (will != null) {
                saveToStore(session);
            }
        }
        if (will != null) {
            willSink.accept(owner, will);
        }
    }

    private void expire(Session session) {
        Message will;
        ClientInfo owner;
        synchronized (lock(session.clientId())) {
            if (session.owner() != null || !sessions.remove(session.clientId(), session)) {
                return;
            }
            owner = session.willOwner();
            will = session.cancelPendingWill();
            end(session, "expired");
        }
        if (will != null) {
            willSink.accept(owner, will);
        }
    }

    /**
     * An administrator ends a session: an offline one goes at once (routes, queue, stored state); a connected one
     * gets expiry 0 and its connection is closed, which ends it. False when there is no such session.
     */
    public boolean clear(String clientId) {
        synchronized (lock(clientId)) {
            Session session = sessions.get(clientId);
            if (session == null) {
                return false;
            }
            ClientConnection c = session.owner();
            if (c != null) {
                session.expirySeconds(0);
                c.kick();
                return true;
            }
            if (sessions.remove(clientId, session)) {
                session.cancelPendingWill();
                end(session, "cleared");
            }
            return true;
        }
    }

    /** Removes the session's routes and counts what it still held as dropped. Caller holds the stripe lock. */
    private void end(Session session, String reason) {
        for (Map.Entry<String, Subscription> e : session.subscriptions().entrySet()) {
            unroute(e.getKey(), e.getValue());
        }
        for (Delivery d : session.end()) {
            if (d.group() != null && d.group().redispatch(d.message(), session)) {
                continue;
            }
            events.dropped(session.clientId(), d.message(), DropReason.SESSION_ENDED);
        }
        if (session.durable()) {
            store.deleteSession(session.clientId());
        }
        events.sessionTerminated(session.clientId(), reason);
    }

    /** The outcome of {@link #subscribe}. */
    public enum Subscribed {
        /** The session had no subscription to the filter. */
        NEW,
        /** It replaced the session's subscription to the same filter. */
        REPLACED,
        /** Nothing changed: the connection no longer owns the session (taken over, or the session ended). */
        NOT_OWNER
    }

    /**
     * Adds a subscription to the session of {@code connection} and to the route table, together and only while
     * the connection owns the session: a SUBSCRIBE handled after a takeover must not route to a session that
     * ended meanwhile, where nothing would ever remove the route.
     */
    public Subscribed subscribe(ClientConnection connection, Session session, String clientFilter,
            Subscription subscription) {
        synchronized (lock(session.clientId())) {
            if (session.owner() != connection) {
                return Subscribed.NOT_OWNER;
            }
            session.putSubscription(clientFilter, subscription);
            return route(clientFilter, subscription) ? Subscribed.NEW : Subscribed.REPLACED;
        }
    }

    /**
     * Adds one subscription of a session to the route table (a shared one to its group); returns true when the
     * session had no subscription to that filter.
     */
    public boolean route(String clientFilter, Subscription subscription) {
        SharedFilter shared = SharedFilter.parse(clientFilter);
        return shared != null ? router.subscribeShared(shared.group(), subscription) : router.subscribe(subscription);
    }

    /** Removes one subscription of a session from the route table. */
    public void unroute(String clientFilter, Subscription subscription) {
        SharedFilter shared = SharedFilter.parse(clientFilter);
        if (shared != null) {
            router.unsubscribeShared(shared.group(), shared.filter(), subscription.destination());
        } else {
            router.unsubscribe(subscription.topicFilter(), subscription.destination());
        }
    }

    private void redispatch(Session from, List<Delivery> deliveries) {
        for (Delivery d : deliveries) {
            if (!d.group().redispatch(d.message(), from)) {
                from.requeue(d);
            }
        }
    }

    /**
     * Stores a durable session as it is now: expiry, subscriptions, will. Does nothing for the others, nor for one
     * that ended (a connection taken over may still ask): that would bring it back at the next start.
     */
    public void saveToStore(Session session) {
        if (!session.durable()) {
            return;
        }
        synchronized (lock(session.clientId())) {
            if (sessions.get(session.clientId()) == session) {
                store.saveSession(stored(session));
            }
        }
    }

    private StoredSession stored(Session session) {
        return new StoredSession(session.clientId(), session.expirySeconds(),
                session.isOnline() ? 0 : System.currentTimeMillis(), storedSubscriptions(session.subscriptions()),
                session.storedWill(), session.willDelaySeconds(), session.principal());
    }

    private static List<StoredSubscription> storedSubscriptions(Map<String, Subscription> subscriptions) {
        List<StoredSubscription> subs = new ArrayList<>(subscriptions.size());
        for (Map.Entry<String, Subscription> e : subscriptions.entrySet()) {
            Subscription s = e.getValue();
            subs.add(new StoredSubscription(e.getKey(), s.qos(), s.noLocal(), s.retainAsPublished(),
                    s.retainHandling(), s.subscriptionId()));
        }
        return subs;
    }

    /** Gives a session the subscriptions it had elsewhere (the storage, another node), routed here. */
    private void resubscribe(Session session, List<StoredSubscription> subscriptions) {
        for (StoredSubscription sub : subscriptions) {
            SharedFilter shared = SharedFilter.parse(sub.topicFilter());
            String filter = shared == null ? sub.topicFilter() : shared.filter();
            Subscription subscription = new Subscription(filter, session, sub.qos(), sub.noLocal(),
                    sub.retainAsPublished(), sub.retainHandling(), sub.subscriptionIdentifier());
            session.putSubscription(sub.topicFilter(), subscription);
            route(sub.topicFilter(), subscription);
        }
    }

    // ---- sessions across the nodes of a cluster ----

    /** The cluster's directory a CONNECT claims its client id from before {@link #open}; {@link SessionDirectory#LOCAL} alone. */
    public SessionDirectory directory() {
        return directory;
    }

    /** Installs the cluster's directory (the cluster extension), or {@link SessionDirectory#LOCAL} again. */
    public void directory(SessionDirectory newDirectory) {
        this.directory = newDirectory == null ? SessionDirectory.LOCAL : newDirectory;
    }

    /**
     * A CONNECT of {@code clientId} on another node takes the session here over: as a CONNECT here would, the
     * connection that holds it is told (DISCONNECT 0x8E) and its will decided, and a clean start (or expiry 0) ends
     * the session. Otherwise the session leaves this node: its routes go, it is removed without a message counted as
     * dropped, and the stage completes with all it held, the part only in the storage read back, for
     * {@link #importSession} there; the stored copy here is deleted once read. Completes with null when no session
     * moves.
     */
    public CompletionStage<SessionExport> exportSession(String clientId, boolean cleanStart) {
        return export(clientId, cleanStart, true);
    }

    /**
     * The node stops and hands its persistent session {@code clientId} to another node, which keeps it for its
     * client: as {@link #exportSession} without a clean start, except that no will goes out — the client did
     * nothing wrong; the node is going away.
     */
    public CompletionStage<SessionExport> handOver(String clientId) {
        return export(clientId, false, false);
    }

    private CompletionStage<SessionExport> export(String clientId, boolean cleanStart, boolean decideWill) {
        Session existing;
        TakenOver taken;
        Session.Frozen frozen = null;
        List<StoredSubscription> subscriptions = null;
        synchronized (lock(clientId)) {
            existing = sessions.get(clientId);
            if (existing == null) {
                return NOTHING_MOVES;
            }
            taken = takeOver(existing);
            sessions.remove(clientId, existing);
            if (!resumes(existing, cleanStart)) {
                end(existing, cleanStart ? "clean_start" : "closed");
            } else {
                Map<String, Subscription> subs = existing.subscriptions();
                for (Map.Entry<String, Subscription> e : subs.entrySet()) {
                    unroute(e.getKey(), e.getValue());
                }
                subscriptions = storedSubscriptions(subs);
                frozen = existing.freeze();
            }
        }
        // Shared-subscription messages the old connection had not acknowledged go to other members, as in a
        // takeover here; those no member takes move with the session.
        List<StoredDelivery> queued = new ArrayList<>();
        if (taken.toRedispatch() != null) {
            for (Delivery d : taken.toRedispatch()) {
                if (!d.group().redispatch(d.message(), existing)) {
                    queued.add(d.toStored());
                }
            }
        }
        if (decideWill && taken.will() != null) {
            willSink.accept(taken.willOwner(), taken.will());
        }
        if (frozen == null) {
            return NOTHING_MOVES;
        }
        for (Delivery d : frozen.queued()) {
            queued.add(d.toStored());
        }
        Session.Frozen state = frozen;
        List<StoredSubscription> subs = subscriptions;
        long lastSeen = existing.lastSeenMillis();
        CompletionStage<List<StoredDelivery>> fromStorage = state.stored().length == 0
                ? CompletableFuture.completedFuture(List.of()) : store.readQueued(clientId, state.stored());
        return fromStorage.handle((read, failure) -> {
            if (failure != null) {
                LOG.warn("client id '{}': its {} queued messages in the storage could not be read to move the session"
                        + " to another node: {}", LogSafe.escape(clientId), state.stored().length, failure.toString());
                events.droppedUnread(clientId, state.stored().length, DropReason.SESSION_ENDED);
            } else {
                queued.addAll(read);
            }
            if (existing.durable()) {
                synchronized (lock(clientId)) {
                    // A session opened here since (only when the directory could not be asked) keeps its rows.
                    if (!sessions.containsKey(clientId)) {
                        store.deleteSession(clientId);
                    }
                }
            }
            return new SessionExport(clientId, existing.expirySeconds(), lastSeen, existing.epoch(),
                    existing.principal(), subs, state.inflight(), queued, state.inboundQos2());
        });
    }

    /**
     * Installs a session another node exported ({@link #exportSession}) for a CONNECT here, which then resumes it:
     * its routes, what was in flight (resent with DUP set) and its queue, stored here when the storage is durable.
     * Should a session of the client id be here too, the newer one stays.
     */
    public void importSession(SessionExport exported) {
        String clientId = exported.clientId();
        synchronized (lock(clientId)) {
            Session existing = sessions.get(clientId);
            if (existing != null) {
                if (existing.owner() != null || existing.lastSeenMillis() >= exported.lastSeenMillis()) {
                    LOG.warn("client id '{}': the session another node handed over is dropped: the one here is"
                            + " newer or in use", LogSafe.escape(clientId));
                    events.droppedUnread(clientId, exported.inflight().size() + exported.queued().size(),
                            DropReason.SESSION_ENDED);
                    return;
                }
                sessions.remove(clientId, existing);
                existing.cancelPendingWill();
                end(existing, "superseded");
            }
            Session session = new Session(clientId, settingsFor(clientId), events, store);
            session.durable(store.durable() && exported.expirySeconds() > 0);
            session.principal(exported.owner());
            session.expirySeconds(exported.expirySeconds());
            resubscribe(session, exported.subscriptions());
            session.importState(exported);
            sessions.put(clientId, session);
            saveToStore(session);
            // The CONNECT that asked for it opens it next; should its connection close first, the session waits.
            long expiry = exported.expirySeconds();
            if (expiry != StoredSession.NEVER_EXPIRES) {
                session.expiryTask(scheduler.schedule(() -> expire(session), expiry, TimeUnit.SECONDS));
            }
        }
    }

    /**
     * Puts back a session the storage held at start-up: its routes, its queue and in-flight messages, and the
     * timers of its expiry and pending will, counted from when it disconnected (or from now, when the node
     * stopped while the client was connected). The timers go into {@code timers}, for the caller to start once
     * every session is back: a will must not go out while its subscribers are still being restored.
     */
    public void restore(StoredSession stored, long nowMillis, List<Runnable> timers) {
        Session session = new Session(stored.clientId(), settingsFor(stored.clientId()), events, store);
        session.durable(true);
        session.principal(stored.owner());
        session.expirySeconds(stored.expiryIntervalSeconds());
        resubscribe(session, stored.subscriptions());
        session.restore(stored);
        sessions.put(stored.clientId(), session);
        long disconnectedAt = stored.disconnectedAtMillis() == 0 ? nowMillis : stored.disconnectedAtMillis();
        long elapsed = Math.max(0, nowMillis - disconnectedAt);
        long expiry = stored.expiryIntervalSeconds();
        if (stored.will() != null) {
            long delayMillis = Math.min(stored.willDelaySeconds(), expiry) * 1000 - elapsed;
            session.will(stored.will(), stored.willDelaySeconds());
            timers.add(() -> session.willTask(scheduler.schedule(() -> fireWill(session), Math.max(0, delayMillis),
                    TimeUnit.MILLISECONDS)));
        }
        if (expiry != StoredSession.NEVER_EXPIRES) {
            long leftMillis = expiry * 1000 - elapsed;
            timers.add(() -> session.expiryTask(scheduler.schedule(() -> expire(session), Math.max(0, leftMillis),
                    TimeUnit.MILLISECONDS)));
        }
    }
}
