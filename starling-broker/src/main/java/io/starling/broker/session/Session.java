package io.starling.broker.session;

import io.starling.api.ClientInfo;
import io.starling.api.Message;
import io.starling.api.QoS;
import io.starling.api.hook.HookListener.DropReason;
import io.starling.api.store.StoredDelivery;
import io.starling.api.store.StoredSession;
import io.starling.broker.delivery.Delivery;
import io.starling.broker.delivery.DeliveryQueue;
import io.starling.broker.delivery.InflightWindow;
import io.starling.broker.delivery.OnDiskQueue;
import io.starling.broker.routing.Destination;
import io.starling.broker.routing.SharedGroup;
import io.starling.broker.routing.Subscription;
import io.starling.broker.storage.NodeStorage;
import io.starling.codec.LogSafe;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's side of one client id: its subscriptions, the messages in flight to it and queued for it, and the
 * QoS 2 packet ids it sent that await PUBREL. It outlives connections for as long as its expiry says. Every
 * method holds the session's monitor briefly and never blocks inside it: writes to the connection only enqueue.
 *
 * <p>A durable session (expiry above 0 on a durable storage) also tells the storage every change to its queue,
 * its in-flight window and its inbound QoS 2 ids as it makes it. It sends a QoS 2 PUBLISH, and PUBREL, only once
 * the change behind it is durable: a client must never see a packet id that a restarted node does not know.
 * Its queue stays on the heap only as far as its client is about to take it: while the client is offline, or
 * further back than {@link #HOT_QUEUE} messages, stored messages are left in the storage ({@link OnDiskQueue})
 * and read back a page at a time.
 */
public final class Session implements Destination {
    private static final Logger LOG = LoggerFactory.getLogger(Session.class);
    /** Stored messages a connected durable session keeps on the heap before the rest stays on disk. */
    static final int HOT_QUEUE = 64;
    /** Stored messages read back from the storage at a time. */
    static final int PAGE = 64;

    private final String clientId;
    private final LongAdder drops = new LongAdder();
    private final SessionSettings settings;
    private final DeliveryEvents events;
    private final NodeStorage storage;
    private volatile boolean durable;
    private static final AtomicLongFieldUpdater<Session> SEQ = AtomicLongFieldUpdater.newUpdater(Session.class, "lastSeq");
    /** The last sequence number given to a stored delivery. */
    private volatile long lastSeq;
    /** Allocated on the first subscription. */
    private Map<String, Subscription> subscriptions = Map.of();
    private final InflightWindow inflight = new InflightWindow();
    private final DeliveryQueue queue;
    /** Allocated when a durable session first leaves messages in the storage. */
    private OnDiskQueue onDisk;
    /** Retained messages still to send for new subscriptions; allocated on the first large retained set. */
    private RetainedStream retainedStream;
    /** Allocated on the first inbound QoS 2 message: many clients never send one. */
    private Set<Integer> inboundQos2 = Set.of();
    private static final AtomicReferenceFieldUpdater<Session, InboxNode> INBOX =
            AtomicReferenceFieldUpdater.newUpdater(Session.class, InboxNode.class, "inboxHead");
    private static final AtomicIntegerFieldUpdater<Session> INBOX_SIZE =
            AtomicIntegerFieldUpdater.newUpdater(Session.class, "inboxSize");
    private static final AtomicIntegerFieldUpdater<Session> INBOX_TASK =
            AtomicIntegerFieldUpdater.newUpdater(Session.class, "inboxTaskScheduled");
    /**
     * Deliveries routed on other threads, newest first, waiting for one task on the connection's thread to take
     * them all. Field updaters rather than a queue object: an idle session pays for no inbox.
     */
    private volatile InboxNode inboxHead;
    private volatile int inboxSize;
    private volatile int inboxTaskScheduled;
    private List<Runnable> drainWaiters = List.of();
    private volatile int queuedSize;
    private volatile long lastProgressNanos = System.nanoTime();
    private volatile ClientConnection connection;
    /**
     * The connection that opened the session last and has neither closed nor been taken over: attached, or about
     * to attach once it has sent CONNACK. Read and written only under the registry's lock for the client id.
     */
    private ClientConnection owner;
    private int window;
    /** Set from attach until what was in flight is resent: nothing new goes out before it (nor twice, DUP 0). */
    private boolean resendPending;
    private long expirySeconds;
    private ScheduledFuture<?> expiryTask;
    private Message will;
    private long willDelaySeconds;
    /** Who set the will, for its authorization when it fires; null for a will restored from the storage. */
    private ClientInfo willOwner;
    /** Whom the session belongs to: only they resume it. Null for a session stored before owners were. */
    private StoredSession.Owner principal;
    private ScheduledFuture<?> willTask;
    /** When a connection last detached, wall clock; 0 while none has. Of two copies of a session, the newer wins. */
    private volatile long detachedAtMillis;
    /** The cluster directory's epoch of the CONNECT that last opened the session; 0 on a node alone. */
    private volatile long epoch;

    public Session(String clientId, SessionSettings settings, DeliveryEvents events, NodeStorage storage) {
        this.clientId = clientId;
        this.settings = settings;
        this.events = events;
        this.storage = storage;
        this.queue = new DeliveryQueue(settings.maxQueued(), settings.dropPolicy());
    }

    @Override
    public String id() {
        return clientId;
    }

    public String clientId() {
        return clientId;
    }

    @Override
    public boolean isOnline() {
        return connection != null;
    }

    public ClientConnection connection() {
        return connection;
    }

    ClientConnection owner() {
        return owner;
    }

    void owner(ClientConnection c) {
        owner = c;
    }

    // ---- connection lifecycle ----

    /** Attaches a connection: resends what is in flight (DUP set, or PUBREL), then what is queued. */
    public synchronized void attach(ClientConnection newConnection, int clientReceiveMaximum) {
        connection = newConnection;
        window = Math.min(settings.maxInflight(), clientReceiveMaximum);
        resendPending = durable && !inflight.isEmpty();
        if (inflight.isEmpty()) {
            drain();
        } else if (durable) {
            // What is in flight may have been stored a moment ago: resend it once that is durable, then drain.
            // Meanwhile new deliveries queue: sent now, they would go out first and then again in the resend.
            storage.barrier().whenComplete((r, e) -> newConnection.execute(() -> resendAndDrain(newConnection)));
        } else {
            resend(newConnection);
            drain();
        }
    }

    private synchronized void resendAndDrain(ClientConnection c) {
        if (connection == c) {
            resendPending = false;
            resend(c);
            drain();
        }
    }

    private void resend(ClientConnection newConnection) {
        for (InflightWindow.Entry e : inflight.inOrder()) {
            if (e.phase() == InflightWindow.Phase.PUBREL_SENT) {
                newConnection.sendPubRel(e.packetId());
            } else if (!newConnection.sendPublish(e.delivery(), e.packetId(), true)) {
                inflight.remove(e.packetId());
                forget(e.delivery());
                dropped(e.delivery().message(), DropReason.TOO_LARGE);
            }
        }
    }

    /**
     * Detaches {@code old} if it is still the session's connection. Returns the shared-subscription messages
     * the client had not acknowledged, for the caller to hand to other members; null when {@code old} was no
     * longer attached.
     */
    public synchronized List<Delivery> detach(ClientConnection old) {
        if (connection != old || old == null) {
            return null;
        }
        connection = null;
        detachedAtMillis = System.currentTimeMillis();
        if (retainedStream != null) {
            retainedStream.detached(settings.queueQos0());
        }
        if (inflight.isEmpty() && queue.isEmpty()) {
            releaseDrainWaiters();
            return List.of();
        }
        List<Delivery> shared = new ArrayList<>(inflight.removeUnacknowledgedShared());
        shared.addAll(queue.removeShared());
        shared.forEach(this::forget);
        if (durable) {
            // Offline, the stored messages wait in the storage, not on the heap.
            List<Delivery> stored = queue.removeStored();
            for (int i = stored.size() - 1; i >= 0; i--) {
                Delivery d = stored.get(i);
                onDisk().addFirst(d.seq(), d.message().payload().length);
            }
        }
        updateQueuedSize();
        releaseDrainWaiters();
        return shared;
    }

    // ---- outbound ----

    @Override
    public void deliver(Message message, List<Subscription> matched, SharedGroup group) {
        Delivery d = Delivery.forMatches(message, matched, group, clientId);
        if (d != null) {
            enqueue(d);
        }
    }

    /** Sends a retained message matched by a new subscription: always with the retain flag set. */
    public void deliverRetained(Message message, Subscription subscription) {
        int[] ids = subscription.subscriptionId() != 0 ? new int[] {subscription.subscriptionId()} : Delivery.NO_IDS;
        enqueue(new Delivery(message, QoS.min(message.qos(), QoS.of(subscription.qos())), true, ids, null));
    }

    /**
     * Sends the rest of a large retained set matched by a new subscription as the client takes messages
     * ({@link RetainedStream}); {@code loader} turns index entries into the messages to send.
     */
    public synchronized void streamRetained(Iterator<Message> messages, Subscription subscription,
            Consumer<Message> onExpired, Function<List<Message>, CompletionStage<List<Message>>> loader) {
        if (retainedStream == null) {
            retainedStream = new RetainedStream(this);
        }
        retainedStream.add(messages, subscription, onExpired, loader);
    }

    /** Takes back a shared-subscription message that no other member could take. */
    public void requeue(Delivery delivery) {
        enqueue(delivery);
    }

    /**
     * Sends or queues a delivery. Deliveries from other threads go through the inbox and hop to the connection's
     * thread in batches, so that every write to the socket is made there, messages keep the order in which they
     * were routed, and a busy publisher costs one task per batch rather than one per message.
     */
    private void enqueue(Delivery routed) {
        ClientConnection c = connection;
        // Stored here, on the publisher's thread, so that the barrier its acknowledgement waits for covers it.
        Delivery d = durable ? journal(routed, c == null) : routed;
        if (c == null) {
            synchronized (this) {
                if (connection == null) {
                    // Routed while the client was still connected, some may wait in the inbox for a task on the
                    // old connection's thread: they go first, or this one would overtake them in the queue.
                    takeInboxHere();
                    enqueueHere(d);
                    return;
                }
                c = connection;
            }
        }
        if (!c.inEventLoop() || inboxSize > 0) {
            if (inboxSize >= settings.maxQueued()) {
                // The connection's thread is that far behind: refuse at the hand-off so that memory stays bounded.
                forget(d);
                dropped(d.message(), DropReason.QUEUE_FULL);
                return;
            }
            INBOX_SIZE.incrementAndGet(this);
            InboxNode node = new InboxNode(d);
            do {
                node.next = inboxHead;
            } while (!INBOX.compareAndSet(this, node.next, node));
            if (INBOX_TASK.compareAndSet(this, 0, 1)) {
                c.execute(this::takeInbox);
            }
            return;
        }
        enqueueHere(d);
    }

    private void takeInbox() {
        INBOX_TASK.set(this, 0);
        ClientConnection c = connection;
        if (c != null && !c.inEventLoop()) {
            // The client reconnected on another thread since this task was scheduled: follow it.
            if (INBOX_TASK.compareAndSet(this, 0, 1)) {
                c.execute(this::takeInbox);
            }
            return;
        }
        synchronized (this) {
            takeInboxHere();
            releaseDrainWaitersIfBelowLowWater();
        }
    }

    /**
     * Sends or queues what waits in the inbox, oldest first. Taken under the session's monitor, so that a delivery
     * enqueued while offline (which takes the inbox itself) cannot slip between the taking and the queueing.
     */
    private void takeInboxHere() {
        InboxNode newestFirst = INBOX.getAndSet(this, null);
        InboxNode oldestFirst = null;
        int taken = 0;
        while (newestFirst != null) {
            InboxNode next = newestFirst.next;
            newestFirst.next = oldestFirst;
            oldestFirst = newestFirst;
            newestFirst = next;
            taken++;
        }
        INBOX_SIZE.addAndGet(this, -taken);
        for (InboxNode n = oldestFirst; n != null; n = n.next) {
            enqueueHere(n.delivery);
        }
    }

    private static final class InboxNode {
        final Delivery delivery;
        InboxNode next;

        InboxNode(Delivery delivery) {
            this.delivery = delivery;
        }
    }

    private synchronized void enqueueHere(Delivery d) {
        ClientConnection c = connection;
        if (c == null) {
            if (d.qos() == QoS.AT_MOST_ONCE && !settings.queueQos0()) {
                dropped(d.message(), DropReason.QOS0_OFFLINE);
                return;
            }
            offer(d);
            return;
        }
        if (!queue.isEmpty() || hasOnDisk() || !c.isWritable() || resendPending
                || (d.qos() != QoS.AT_MOST_ONCE && inflight.size() >= window)) {
            offer(d);
            return;
        }
        send(c, d);
    }

    private void offer(Delivery d) {
        if (!roomForBytes(d)) {
            forget(d);
            dropped(d.message(), DropReason.QUEUE_FULL);
            return;
        }
        if (d.stored() && (hasOnDisk() || connection == null || queue.size() >= HOT_QUEUE)) {
            leaveOnDisk(d);
            return;
        }
        queueOnHeap(d);
    }

    private void queueOnHeap(Delivery d) {
        Delivery dropped = queue.offer(d);
        updateQueuedSize();
        if (dropped != null) {
            forget(dropped);
            dropped(dropped.message(), DropReason.QUEUE_FULL);
        }
    }

    private void send(ClientConnection c, Delivery d) {
        lastProgressNanos = System.nanoTime();
        if (d.message().isExpired(System.currentTimeMillis())) {
            forget(d);
            dropped(d.message(), DropReason.EXPIRED);
            return;
        }
        if (d.qos() == QoS.AT_MOST_ONCE) {
            forget(d);
            if (c.sendPublish(d, 0, false)) {
                events.sent(clientId, d.message(), d.qos().value());
            } else {
                dropped(d.message(), DropReason.TOO_LARGE);
            }
            return;
        }
        InflightWindow.Entry e = inflight.add(d);
        if (d.stored()) {
            storage.markInFlight(clientId, d.seq(), e.packetId(), false);
            if (d.qos() == QoS.EXACTLY_ONCE) {
                storage.barrier().whenComplete((r, failure) -> c.execute(() -> sendWhenStored(c, e, failure)));
                return;
            }
        }
        sendInflight(c, e);
    }

    private void sendInflight(ClientConnection c, InflightWindow.Entry e) {
        Delivery d = e.delivery();
        if (c.sendPublish(d, e.packetId(), false)) {
            events.sent(clientId, d.message(), d.qos().value());
        } else {
            inflight.remove(e.packetId());
            forget(d);
            dropped(d.message(), DropReason.TOO_LARGE);
        }
    }

    /** A stored QoS 2 message's packet id is durable: send it, unless the client reconnected meanwhile. */
    private synchronized void sendWhenStored(ClientConnection c, InflightWindow.Entry e, Throwable failure) {
        if (failure != null || connection != c || inflight.get(e.packetId()) != e) {
            // Not stored: it stays in flight and goes out on the next connection. Reconnected: attach resent it.
            return;
        }
        sendInflight(c, e);
    }

    /** Sends queued messages while the connection is writable and the window has room. */
    public synchronized void drain() {
        ClientConnection c = resendPending ? null : connection;
        while (c != null && !queue.isEmpty() && c.isWritable()) {
            Delivery d = queue.peek();
            if (d.qos() != QoS.AT_MOST_ONCE && inflight.size() >= window) {
                break;
            }
            queue.poll();
            send(c, d);
        }
        if (c != null && queue.isEmpty() && onDisk != null && !onDisk.isEmpty() && !onDisk.loading()
                && inflight.size() < window) {
            readPage(c);
        }
        if (retainedStream != null && c != null && queue.size() < HOT_QUEUE / 2 && c.isWritable()) {
            retainedStream.schedule();
        }
        updateQueuedSize();
        releaseDrainWaitersIfBelowLowWater();
    }

    // ---- the part of the queue left in the storage ----

    /** Whether messages wait in the storage, or are being read back: new ones then queue behind them. */
    private boolean hasOnDisk() {
        return onDisk != null && (!onDisk.isEmpty() || onDisk.loading());
    }

    private OnDiskQueue onDisk() {
        if (onDisk == null) {
            onDisk = new OnDiskQueue();
        }
        return onDisk;
    }

    private void updateQueuedSize() {
        queuedSize = queuedCount();
    }

    /** Keeps only the sequence number of a stored delivery; a full queue gives one up ({@link QueueOverflow}). */
    private void leaveOnDisk(Delivery d) {
        OnDiskQueue disk = onDisk();
        if (queue.size() + disk.size() >= settings.maxQueued()
                && !new QueueOverflow(this, storage).makeRoom(d, queue, disk, settings.dropPolicy())) {
            forget(d);
            dropped(d.message(), DropReason.QUEUE_FULL);
            return;
        }
        disk.addLast(d.seq(), d.message().payload().length);
        updateQueuedSize();
    }

    /**
     * Under the byte bound ({@link SessionSettings#maxQueuedBytes}) with {@code d} queued too, making room by the
     * queue's rule when it is not; false when it is {@code d} that must go.
     */
    private boolean roomForBytes(Delivery d) {
        long max = settings.maxQueuedBytes();
        if (max <= 0) {
            return true;
        }
        int size = d.message().payload().length;
        if (size > max) {
            return false;
        }
        QueueOverflow overflow = null;
        while (queuedBytes() + size > max) {
            if (overflow == null) {
                overflow = new QueueOverflow(this, storage);
            }
            if (!overflow.makeRoom(d, queue, onDisk, settings.dropPolicy())) {
                return false;
            }
        }
        return true;
    }

    /** The payload bytes waiting in the queue, on the heap and in the storage. */
    public synchronized long queuedBytes() {
        return queue.bytes() + (onDisk == null ? 0 : onDisk.bytes());
    }

    private void readPage(ClientConnection c) {
        OnDiskQueue.Page reading = onDisk.pollPage(PAGE);
        onDisk.reading(reading);
        storage.readQueued(clientId, reading.seqs())
                .whenComplete((page, failure) -> c.execute(() -> pageRead(reading, page, failure)));
    }

    /** Moves a page read from the storage to the heap queue, in order, and sends what the window allows. */
    private synchronized void pageRead(OnDiskQueue.Page reading, List<StoredDelivery> page, Throwable failure) {
        if (onDisk.reading() != reading) {
            return; // frozen meanwhile: the page went with the session to another node
        }
        onDisk.reading(null);
        if (failure != null || connection == null) {
            // Offline again (the messages stay in the storage) or not read: they go back to the front.
            onDisk.pushBack(reading);
            if (failure != null) {
                LOG.warn("session {}: reading queued messages from the storage failed: {}", LogSafe.escape(clientId),
                        failure.toString());
            }
            updateQueuedSize();
            return;
        }
        // Sequence numbers missing from the page were removed from the storage before the read: nothing to send.
        for (StoredDelivery sd : page) {
            queueOnHeap(Delivery.of(sd));
        }
        drain();
    }

    // ---- publisher flow control ----

    /**
     * Over the high-water mark while the client keeps taking messages. A client that took nothing for the
     * maximum pause is stalled, not slow: its publishers are not held back for it, its queue drops instead.
     */
    @Override
    public boolean congested() {
        return settings.pausePublishers() && inboxSize + queuedSize >= settings.highWater()
                && connection != null && System.nanoTime() - lastProgressNanos < settings.stallNanos();
    }

    @Override
    public void whenDrained(Runnable resume) {
        synchronized (this) {
            if (congested()) {
                if (drainWaiters.isEmpty()) {
                    drainWaiters = new ArrayList<>(2);
                }
                drainWaiters.add(resume);
                return;
            }
        }
        resume.run();
    }

    private void releaseDrainWaitersIfBelowLowWater() {
        if (!drainWaiters.isEmpty() && inboxSize + queuedSize <= settings.lowWater()) {
            releaseDrainWaiters();
        }
    }

    private void releaseDrainWaiters() {
        if (!drainWaiters.isEmpty()) {
            List<Runnable> waiting = drainWaiters;
            drainWaiters = List.of();
            waiting.forEach(Runnable::run);
        }
    }

    // ---- acknowledgements from the client ----

    /** PUBACK: returns false when no QoS 1 message was in flight with that id. */
    public synchronized boolean onPubAck(int packetId) {
        InflightWindow.Entry e = inflight.get(packetId);
        if (e == null || e.delivery().qos() != QoS.AT_LEAST_ONCE) {
            return false;
        }
        lastProgressNanos = System.nanoTime();
        inflight.remove(packetId);
        forget(e.delivery());
        events.acked(clientId, e.delivery().message());
        drain();
        return true;
    }

    /**
     * PUBREC: returns false when no QoS 2 message was in flight with that id. A failure reason ends the
     * exchange; otherwise the caller sends PUBREL.
     */
    public synchronized boolean onPubRec(int packetId, boolean failed) {
        InflightWindow.Entry e = inflight.get(packetId);
        if (e == null || e.delivery().qos() != QoS.EXACTLY_ONCE) {
            return false;
        }
        if (failed) {
            inflight.remove(packetId);
            forget(e.delivery());
            drain();
        } else {
            inflight.released(e);
            if (e.delivery().stored()) {
                storage.markInFlight(clientId, e.delivery().seq(), packetId, true);
            }
        }
        return true;
    }

    /** PUBCOMP: returns false when no PUBREL was outstanding with that id. */
    public synchronized boolean onPubComp(int packetId) {
        InflightWindow.Entry e = inflight.get(packetId);
        if (e == null || e.phase() != InflightWindow.Phase.PUBREL_SENT) {
            return false;
        }
        inflight.remove(packetId);
        forget(e.delivery());
        events.acked(clientId, e.delivery().message());
        drain();
        return true;
    }

    // ---- inbound QoS 2 ----

    /** Records an inbound QoS 2 packet id; false when it was already recorded (a resent PUBLISH). */
    public synchronized boolean beginInboundQos2(int packetId) {
        if (inboundQos2.isEmpty()) {
            inboundQos2 = new HashSet<>();
        }
        boolean added = inboundQos2.add(packetId);
        if (added && durable) {
            storage.addInboundQos2(clientId, packetId);
        }
        return added;
    }

    public synchronized boolean awaitsRelease(int packetId) {
        return inboundQos2.contains(packetId);
    }

    /** PUBREL from the client: returns false when the id was not awaiting release. */
    public synchronized boolean releaseInboundQos2(int packetId) {
        boolean removed = !inboundQos2.isEmpty() && inboundQos2.remove(packetId);
        if (removed && durable) {
            storage.removeInboundQos2(clientId, packetId);
        }
        return removed;
    }

    /** Forgets every QoS 2 id awaiting release: the sender started a new session (a bridge's remote did). */
    public synchronized void clearInboundQos2() {
        if (durable) {
            inboundQos2.forEach(id -> storage.removeInboundQos2(clientId, id));
        }
        inboundQos2 = Set.of();
    }

    public synchronized int inboundQos2Count() {
        return inboundQos2.size();
    }

    // ---- subscriptions ----

    /** Records a subscription by the filter the client sent; returns the one it replaced, or null. */
    public synchronized Subscription putSubscription(String clientFilter, Subscription subscription) {
        if (subscriptions.isEmpty()) {
            subscriptions = new LinkedHashMap<>();
        }
        return subscriptions.put(clientFilter, subscription);
    }

    public synchronized Subscription removeSubscription(String clientFilter) {
        return subscriptions.isEmpty() ? null : subscriptions.remove(clientFilter);
    }

    public synchronized boolean hasSubscription(String clientFilter) {
        return subscriptions.containsKey(clientFilter);
    }

    public synchronized int subscriptionCount() {
        return subscriptions.size();
    }

    public synchronized Map<String, Subscription> subscriptions() {
        return new LinkedHashMap<>(subscriptions);
    }

    // ---- expiry ----

    public synchronized long expirySeconds() {
        return expirySeconds;
    }

    public synchronized void expirySeconds(long seconds) {
        expirySeconds = seconds;
    }

    synchronized void expiryTask(ScheduledFuture<?> task) {
        if (expiryTask != null) {
            expiryTask.cancel(false);
        }
        expiryTask = task;
    }

    // ---- will ----

    /** The will of the connection now attached, or null; replaces any earlier one. */
    public synchronized void will(Message message, long delaySeconds, ClientInfo owner) {
        will(message, delaySeconds);
        willOwner = owner;
    }

    synchronized void will(Message message, long delaySeconds) {
        will = message;
        willDelaySeconds = delaySeconds;
    }

    synchronized Message takeWill() {
        Message w = will;
        will = null;
        return w;
    }

    /** The will to store with the session: the pending or the connection's, or null. */
    synchronized Message storedWill() {
        return will;
    }

    /** Who set the will: its client as it connected, or (restored from the storage) the session's owner. */
    public synchronized ClientInfo willOwner() {
        if (willOwner != null) {
            return willOwner;
        }
        return principal == null ? new ClientInfo(clientId, null, null, 0, "restored")
                : new ClientInfo(clientId, principal.username(), null, 0, "restored", 0, false, principal.superuser());
    }

    synchronized StoredSession.Owner principal() {
        return principal;
    }

    synchronized void principal(StoredSession.Owner who) {
        principal = who;
    }

    /**
     * Whether {@code client} may resume this session: the user it belongs to (or a superuser). A session whose owner
     * is unknown (stored by an earlier release) is taken as it always was.
     */
    synchronized boolean belongsTo(ClientInfo client) {
        return principal == null || client.superuser() || Objects.equals(principal.username(), client.username());
    }

    synchronized long willDelaySeconds() {
        return willDelaySeconds;
    }

    synchronized void willTask(ScheduledFuture<?> task) {
        willTask = task;
    }

    /** Cancels a will waiting for its delay; returns its message, or null when none was waiting. */
    synchronized Message cancelPendingWill() {
        if (willTask == null) {
            return null;
        }
        willTask.cancel(false);
        willTask = null;
        Message pending = will;
        will = null;
        return pending;
    }

    /** Ends the session: returns what it still held, for the caller to count as dropped. */
    synchronized List<Delivery> end() {
        expiryTask(null);
        connection = null;
        List<Delivery> left = new ArrayList<>();
        for (InflightWindow.Entry e : inflight.inOrder()) {
            left.add(e.delivery());
            inflight.remove(e.packetId());
        }
        left.addAll(queue.drainAll());
        if (retainedStream != null) {
            retainedStream.end();
        }
        if (onDisk != null) {
            droppedUnread(onDisk.size(), DropReason.SESSION_ENDED);
            onDisk.clear();
        }
        queuedSize = 0;
        releaseDrainWaiters();
        inboundQos2 = Set.of();
        subscriptions = Map.of();
        return left;
    }

    public synchronized int queuedCount() {
        return queue.size() + (onDisk == null ? 0 : onDisk.size());
    }

    /** Queued messages held on the heap (the others wait in the storage). */
    public synchronized int queuedOnHeap() {
        return queue.size();
    }

    /** Whether a message is in flight under {@code packetId}: another packet of the client must not take it. */
    public synchronized boolean packetIdInUse(int packetId) {
        return inflight.get(packetId) != null;
    }

    /** Messages given up for this session since it began on this node (any reason: queue full, expired, ...). */
    public long droppedCount() {
        return drops.sum();
    }

    /** Tells hooks and metrics of a message given up for this session, and counts it here. */
    void dropped(Message message, DropReason reason) {
        drops.increment();
        events.dropped(clientId, message, reason);
    }

    /** As {@link #dropped}, for messages dropped without being read back from the storage. */
    void droppedUnread(int count, DropReason reason) {
        drops.add(count);
        events.droppedUnread(clientId, count, reason);
    }

    public synchronized int inflightCount() {
        return inflight.size();
    }

    // ---- storage ----

    public boolean durable() {
        return durable;
    }

    /** Set when the session is opened: true for an expiry above 0 on a durable storage. */
    public void durable(boolean on) {
        durable = on;
    }

    /** Gives the delivery its place in the stored queue and stores it; QoS 0 only when it waits offline. */
    private Delivery journal(Delivery d, boolean offline) {
        if (d.qos() == QoS.AT_MOST_ONCE && !(offline && settings.queueQos0())) {
            return d;
        }
        Delivery s = d.withSeq(SEQ.incrementAndGet(this));
        storage.putQueued(clientId, s.toStored());
        return s;
    }

    /** The delivery left the session (acknowledged, dropped, handed to another member): remove its row. */
    void forget(Delivery d) {
        if (d.stored()) {
            storage.removeQueued(clientId, d.seq());
        }
    }

    /** Puts back what the storage held at start-up: in-flight messages under their packet ids, then the queue. */
    synchronized void restore(StoredSession stored) {
        long last = 0;
        for (StoredDelivery sd : stored.inflight()) {
            last = Math.max(last, sd.seq());
            if (inflight.get(sd.packetId()) == null) {
                inflight.restore(sd.packetId(), Delivery.of(sd), sd.pubrelSent());
            } else {
                storage.removeQueued(clientId, sd.seq());
            }
        }
        long[] seqs = stored.queuedSeqs();
        int[] sizes = stored.queuedSizes();
        for (int i = 0; i < seqs.length; i++) {
            onDisk().addLast(seqs[i], i < sizes.length ? sizes[i] : 0);
            last = Math.max(last, seqs[i]);
        }
        lastSeq = last;
        detachedAtMillis = stored.disconnectedAtMillis();
        updateQueuedSize();
        if (!stored.inboundQos2().isEmpty()) {
            inboundQos2 = new HashSet<>(stored.inboundQos2());
        }
    }

    // ---- moving to another node ----

    /** When its client was last connected, wall clock: now while it is. */
    public long lastSeenMillis() {
        return connection != null ? System.currentTimeMillis() : detachedAtMillis;
    }

    public long epoch() {
        return epoch;
    }

    public void epoch(long e) {
        epoch = e;
    }

    /**
     * What a session held when it was frozen to move to another node: what was in flight (with packet ids), then
     * the queue: the deliveries on the heap and routed meanwhile, then the sequence numbers of the part left in the
     * storage, in order.
     */
    record Frozen(List<StoredDelivery> inflight, List<Delivery> queued, long[] stored, Set<Integer> inboundQos2) {
    }

    /**
     * Takes everything out of the session, telling no one: nothing is dropped, the session moves. The caller has
     * detached its connection and removed its routes, so nothing new arrives.
     */
    synchronized Frozen freeze() {
        expiryTask(null);
        connection = null;
        List<StoredDelivery> flying = new ArrayList<>(inflight.size());
        for (InflightWindow.Entry e : inflight.inOrder()) {
            Delivery d = e.delivery();
            flying.add(new StoredDelivery(d.seq(), d.message(), d.qos(), d.retain(), d.subscriptionIds(),
                    e.packetId(), e.phase() == InflightWindow.Phase.PUBREL_SENT));
            inflight.remove(e.packetId());
        }
        List<Delivery> queued = queue.drainAll();
        // Routed on other threads before the routes went, not yet taken by the connection's thread.
        List<Delivery> inbox = new ArrayList<>();
        for (InboxNode n = INBOX.getAndSet(this, null); n != null; n = n.next) {
            inbox.add(n.delivery);
        }
        INBOX_SIZE.set(this, 0);
        for (int i = inbox.size() - 1; i >= 0; i--) {
            queued.add(inbox.get(i));
        }
        long[] stored = new long[0];
        if (onDisk != null) {
            OnDiskQueue.Page reading = onDisk.reading();
            long[] rest = onDisk.pollPage(onDisk.size()).seqs();
            onDisk.reading(null);
            stored = reading == null ? rest : concat(reading.seqs(), rest);
        }
        if (retainedStream != null) {
            retainedStream.end();
        }
        queuedSize = 0;
        releaseDrainWaiters();
        Set<Integer> inbound = Set.copyOf(inboundQos2);
        inboundQos2 = Set.of();
        subscriptions = Map.of();
        return new Frozen(flying, queued, stored, inbound);
    }

    private static long[] concat(long[] a, long[] b) {
        long[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /**
     * Puts in what another node's copy of the session held ({@link #freeze}): in flight under the same packet ids,
     * to be resent with DUP set, then the queue. A durable session stores all of it, as if routed here.
     */
    synchronized void importState(SessionExport from) {
        for (StoredDelivery sd : from.inflight()) {
            Delivery d = new Delivery(sd.message(), sd.qos(), sd.retain(), sd.subscriptionIds(), null);
            if (durable) {
                d = d.withSeq(SEQ.incrementAndGet(this));
                storage.putQueued(clientId, d.toStored());
                storage.markInFlight(clientId, d.seq(), sd.packetId(), sd.pubrelSent());
            }
            inflight.restore(sd.packetId(), d, sd.pubrelSent());
        }
        for (StoredDelivery sd : from.queued()) {
            Delivery d = new Delivery(sd.message(), sd.qos(), sd.retain(), sd.subscriptionIds(), null);
            if (durable) {
                d = d.withSeq(SEQ.incrementAndGet(this));
                storage.putQueued(clientId, d.toStored());
            }
            offer(d);
        }
        if (!from.inboundQos2().isEmpty()) {
            inboundQos2 = new HashSet<>(from.inboundQos2());
            if (durable) {
                inboundQos2.forEach(id -> storage.addInboundQos2(clientId, id));
            }
        }
        detachedAtMillis = from.lastSeenMillis();
        epoch = from.epoch();
        updateQueuedSize();
    }

    @Override
    public String toString() {
        return "Session[" + clientId + "]";
    }
}
