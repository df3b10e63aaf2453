package io.starling.broker.session;

import io.starling.api.Message;
import io.starling.api.hook.HookListener.DropReason;
import io.starling.api.store.StoredSession;
import io.starling.api.store.StoredSubscription;
import io.starling.broker.delivery.Delivery;
import io.starling.broker.routing.Router;
import io.starling.broker.routing.Subscription;
import io.starling.broker.storage.NodeStorage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Every session of the node by client id: opens, resumes and takes over sessions, ends them when they expire,
 * and publishes wills when and only when the specification says so. Work for one client id is serialised by a
 * striped lock; wills are published after it is released.
 */
public final class SessionRegistry {
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
    /** Publishes a will of a session (through the publish gate, as the client that set it). */
    private final BiConsumer<Session, Message> willSink;
    /** Set while the node stops: durable sessions keep their wills for the next start. */
    private volatile boolean stopping;

    public SessionRegistry(Router router, NodeStorage store, ScheduledExecutorService scheduler,
            SessionSettings settings, DeliveryEvents events, BiConsumer<Session, Message> willSink) {
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
     * Gives a new connection its session: takes over a connected one (its connection is closed), resumes a
     * stored one unless {@code cleanStart}, or creates one.
     */
    public Opened open(String clientId, boolean cleanStart, ClientConnection connection) {
        // Created only on a take-over or a pending will: most connects have neither.
        List<Message> willsToPublish = null;
        List<Delivery> toRedispatch = null;
        Opened opened;
        Session existingSession;
        synchronized (lock(clientId)) {
            Session existing = sessions.get(clientId);
            existingSession = existing;
            if (existing != null) {
                ClientConnection old = existing.connection();
                if (old != null) {
                    List<Delivery> shared = existing.detach(old);
                    toRedispatch = shared;
                    old.takenOver();
                    Message oldWill = existing.takeWill();
                    if (oldWill != null && (cleanStart || existing.willDelaySeconds() == 0)) {
                        willsToPublish = new ArrayList<>(2);
                        willsToPublish.add(oldWill);
                    }
                }
                Message pending = existing.cancelPendingWill();
                if (pending != null && cleanStart) {
                    if (willsToPublish == null) {
                        willsToPublish = new ArrayList<>(1);
                    }
                    willsToPublish.add(pending);
                }
                existing.expiryTask(null);
            }
            if (existing != null && !cleanStart) {
                opened = new Opened(existing, true);
            } else {
                if (existing != null) {
                    end(existing, "clean_start");
                }
                Session created = new Session(clientId, settings, events, store);
                sessions.put(clientId, created);
                opened = new Opened(created, false);
            }
        }
        if (toRedispatch != null) {
            redispatch(opened.session(), toRedispatch);
        }
        if (willsToPublish != null) {
            Session owner = existingSession;
            willsToPublish.forEach(w -> willSink.accept(owner, w));
        }
        return opened;
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
        List<Delivery> shared;
        synchronized (lock(session.clientId())) {
            shared = session.detach(connection);
            if (shared == null) {
                return;
            }
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
            willSink.accept(session, willNow);
        }
    }

    private void fireWill(Session session) {
        Message will;
        synchronized (lock(session.clientId())) {
            if (session.isOnline()) {
                return;
            }
            will = session.cancelPendingWill();
            if (will != null) {
                saveToStore(session);
            }
        }
        if (will != null) {
            willSink.accept(session, will);
        }
    }

    private void expire(Session session) {
        Message will;
        synchronized (lock(session.clientId())) {
            if (session.isOnline() || !sessions.remove(session.clientId(), session)) {
                return;
            }
            will = session.cancelPendingWill();
            end(session, "expired");
        }
        if (will != null) {
            willSink.accept(session, will);
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
            ClientConnection c = session.connection();
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
     * A connection has its session, with the expiry and will of its CONNECT: makes the session durable (and
     * stores it) when its expiry is above 0 and the storage is durable. A durable session resumed with expiry 0
     * stays durable until it ends at disconnect: part of its queue may be in the storage only.
     */
    public void opened(Session session) {
        synchronized (lock(session.clientId())) {
            session.durable(session.durable() || (store.durable() && session.expirySeconds() > 0));
            saveToStore(session);
        }
    }

    /** Stores a durable session as it is now: expiry, subscriptions, will. Does nothing for the others. */
    public void saveToStore(Session session) {
        if (!session.durable()) {
            return;
        }
        List<StoredSubscription> subs = new ArrayList<>();
        for (Map.Entry<String, Subscription> e : session.subscriptions().entrySet()) {
            Subscription s = e.getValue();
            subs.add(new StoredSubscription(e.getKey(), s.qos(), s.noLocal(), s.retainAsPublished(),
                    s.retainHandling(), s.subscriptionId()));
        }
        store.saveSession(new StoredSession(session.clientId(), session.expirySeconds(),
                session.isOnline() ? 0 : System.currentTimeMillis(), subs, session.storedWill(),
                session.willDelaySeconds()));
    }

    /**
     * Puts back a session the storage held at start-up: its routes, its queue and in-flight messages, and the
     * timers of its expiry and pending will, counted from when it disconnected (or from now, when the node
     * stopped while the client was connected). The timers go into {@code timers}, for the caller to start once
     * every session is back: a will must not go out while its subscribers are still being restored.
     */
    public void restore(StoredSession stored, long nowMillis, List<Runnable> timers) {
        Session session = new Session(stored.clientId(), settings, events, store);
        session.durable(true);
        session.expirySeconds(stored.expiryIntervalSeconds());
        for (StoredSubscription sub : stored.subscriptions()) {
            SharedFilter shared = SharedFilter.parse(sub.topicFilter());
            String filter = shared == null ? sub.topicFilter() : shared.filter();
            Subscription subscription = new Subscription(filter, session, sub.qos(), sub.noLocal(),
                    sub.retainAsPublished(), sub.retainHandling(), sub.subscriptionIdentifier());
            session.putSubscription(sub.topicFilter(), subscription);
            route(sub.topicFilter(), subscription);
        }
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
