package io.starling.stomp;

import io.starling.api.ClientInfo;
import io.starling.api.Message;
import io.starling.api.QoS;
import io.starling.api.auth.Authorizer.Action;
import io.starling.broker.delivery.Delivery;
import io.starling.broker.module.DelayedPublisher;
import io.starling.broker.routing.Congestion;
import io.starling.broker.routing.PublishGate;
import io.starling.broker.routing.PublishGate.Verdict;
import io.starling.broker.session.ClientConnection;
import io.starling.broker.session.Session;
import io.starling.codec.LogSafe;
import io.starling.codec.packet.MqttPacket;
import io.starling.codec.packet.SubscribePacket;
import io.starling.codec.packet.TopicSubscription;
import io.starling.codec.packet.UnsubscribePacket;
import io.starling.stomp.StompSubscription.AckMode;
import io.starling.stomp.frame.FrameException;
import io.starling.stomp.frame.StompEscaping;
import io.starling.stomp.frame.StompFrame;
import io.starling.stomp.frame.StompVersion;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One STOMP client, whatever carries its frames: consumes decoded frames, writes frames to a {@link FrameSink}, and
 * is a client of the node like an MQTT connection: its session attaches through the session registry (this is its
 * {@link ClientConnection}), its SENDs go through the publish gate (this is their {@link PublishGate.Source}).
 * Frames are handled one after the other on the connection's thread; one that waits (authentication, an
 * authorizer, a hook, the storage) holds the next ones back.
 */
public final class StompConnection implements ClientConnection, PublishGate.Source, Congestion {
    static final Logger LOG = LoggerFactory.getLogger(StompConnection.class);
    /** Frames held back behind one that waits, before the transport stops reading. */
    private static final int MAX_WAITING = 64;

    enum State { NEW, CONNECTING, CONNECTED, CLOSED }

    final Gateway gateway;
    final FrameSink sink;
    /** Tells this connection's message ids apart from those of the client's earlier connections. */
    private final long number;
    State state = State.NEW;
    /** Until CONNECT settles it, frames go out unescaped, as 1.0 and CONNECT/CONNECTED frames are. */
    StompVersion version = StompVersion.V1_0;
    ClientInfo client;
    Session session;
    long connectedAtMillis;
    final Subscriptions subscriptions = new Subscriptions();
    private final Acks acks = new Acks();
    private final Transactions transactions;
    private final ArrayDeque<StompFrame> waiting = new ArrayDeque<>();
    private boolean busy;
    /** A subscriber this client published to fell behind: frames wait until it drained, or at most a while. */
    private boolean pausedForCongestion;
    /** Completed when the congestion pause ends: a committed transaction's remaining SENDs wait on it. */
    private CompletableFuture<Void> resumed = CompletableFuture.completedFuture(null);
    private long pauses;
    private long nextMessage;
    private String closeReason;

    public StompConnection(Gateway gateway, FrameSink sink) {
        this.gateway = gateway;
        this.sink = sink;
        this.number = gateway.connections().incrementAndGet();
        this.transactions = new Transactions(gateway.config().maxTransactions(),
                gateway.config().maxTransactionFrames(),
                (long) Transactions.FRAMES_OF_BYTES * gateway.config().maxFrameBytes());
    }

    /** The transport is open: CONNECT must come within the timeout. */
    public void opened() {
        sink.schedule(() -> {
            if (state == State.NEW || state == State.CONNECTING) {
                error("no CONNECT within " + gateway.config().connectTimeout().toMillis() + " ms", null);
            }
        }, gateway.config().connectTimeout().toMillis());
    }

    // ---- input ----

    /**
     * Whether the transport should hand over another frame now: false once {@code MAX_WAITING} frames wait behind a
     * slow step, so that the rest stays unparsed in the transport's buffer (bounded by its reads being off).
     */
    public boolean takesFrames() {
        return waiting.size() < MAX_WAITING;
    }

    /** A frame as received (headers still escaped); on the connection's thread. */
    public void received(StompFrame frame) {
        if (state == State.CLOSED) {
            return;
        }
        if (busy || pausedForCongestion) {
            waiting.add(frame);
            if (waiting.size() == MAX_WAITING) {
                sink.autoRead(false);
            }
            return;
        }
        run(frame);
    }

    /** The transport could not read a frame: the client hears why, and the connection closes. */
    public void malformed(String why) {
        if (state != State.CLOSED) {
            error(why, null);
        }
    }

    /** Nothing came from the client for longer than the negotiated heart-beat allows. */
    public void silent() {
        if (state != State.CLOSED) {
            error("no heart-beat or frame from the client within the negotiated interval", null);
        }
    }

    private void run(StompFrame frame) {
        CompletionStage<?> stage;
        try {
            // What another connection on this thread changed in the storage is not this frame's to wait for.
            gateway.services().storage().startWork();
            stage = handle(frame);
        } catch (FrameException e) {
            error(e.getMessage(), frame);
            return;
        }
        if (stage != null && !stage.toCompletableFuture().isDone()) {
            busy = true;
            stage.whenComplete((r, e) -> sink.execute(() -> {
                busy = false;
                if (e != null && state != State.CLOSED) {
                    LOG.warn("{} {}: {} failed: {}", sink.listener(), who(), frame.command(), e.toString());
                    error("the node could not handle " + frame.command(), frame);
                }
                drainWaiting();
            }));
        }
    }

    private void drainWaiting() {
        while (!busy && !pausedForCongestion && state != State.CLOSED && !waiting.isEmpty()) {
            run(waiting.poll());
        }
        if (waiting.isEmpty() && !pausedForCongestion) {
            sink.autoRead(true);
        }
    }

    /** Returns a stage when the frame waits for something, else null (done). */
    private CompletionStage<?> handle(StompFrame raw) {
        String command = raw.command();
        if (state == State.NEW) {
            if (!command.equals("CONNECT") && !command.equals("STOMP")) {
                throw new FrameException("expected CONNECT or STOMP, got " + command);
            }
            return new ConnectFlow(this).connect(raw);
        }
        StompFrame f = StompEscaping.decode(raw, version);
        return switch (command) {
            case "SEND" -> held(f) ? null : publish(f);
            case "SUBSCRIBE" -> new SubscribeFlow(this).subscribe(f);
            case "UNSUBSCRIBE" -> unsubscribe(f);
            case "ACK", "NACK" -> held(f) ? null : ack(f, command.equals("NACK"));
            case "BEGIN" -> {
                transactions.begin(required(f, "transaction"));
                receipt(f);
                yield null;
            }
            case "COMMIT" -> commit(f);
            case "ABORT" -> {
                transactions.end(required(f, "transaction"));
                receipt(f);
                yield null;
            }
            case "DISCONNECT" -> {
                disconnect(f);
                yield null;
            }
            case "CONNECT", "STOMP" -> throw new FrameException("already connected");
            default -> throw new FrameException("unknown command " + command);
        };
    }

    /** A frame inside a transaction is held until COMMIT (its receipt says it was taken). */
    private boolean held(StompFrame f) {
        String tx = f.header("transaction");
        if (tx == null) {
            return false;
        }
        transactions.hold(tx, f);
        receipt(f);
        return true;
    }

    private CompletionStage<?> commit(StompFrame f) {
        List<StompFrame> frames = transactions.end(required(f, "transaction"));
        return runAll(frames, 0, f);
    }

    /**
     * Runs a committed transaction's frames in order, each after the one before it is done, then the receipt; a
     * congestion pause holds the rest back as it holds back reading from the client.
     */
    private CompletionStage<?> runAll(List<StompFrame> frames, int from, StompFrame commit) {
        for (int i = from; i < frames.size(); i++) {
            if (pausedForCongestion) {
                return after(resumed, frames, i, commit);
            }
            StompFrame frame = frames.get(i);
            CompletionStage<?> stage = frame.command().equals("SEND") ? publish(frame) : ack(frame,
                    frame.command().equals("NACK"));
            if (stage != null && !stage.toCompletableFuture().isDone()) {
                return after(stage, frames, i + 1, commit);
            }
            if (state == State.CLOSED) {
                return null;
            }
        }
        receipt(commit);
        return null;
    }

    /** The rest of a committed transaction, from {@code next}, once {@code stage} is done (on this thread). */
    private CompletionStage<?> after(CompletionStage<?> stage, List<StompFrame> frames, int next, StompFrame commit) {
        return stage.thenComposeAsync(r -> {
            CompletionStage<?> rest = state == State.CLOSED ? null : runAll(frames, next, commit);
            return rest == null ? CompletableFuture.completedFuture(null) : rest;
        }, sink::execute);
    }

    // ---- SEND ----

    private CompletionStage<?> publish(StompFrame f) {
        String destination = required(f, "destination");
        String topic = gateway.destinations().topicFor(destination);
        int max = gateway.services().mqtt().maxQos();
        int qos = Math.min(max, qos(f.header("qos")));
        Message message = MessageFrames.fromSend(f, topic, QoS.of(qos), "true".equals(f.header("retain")),
                client.clientId());
        long delay = -1;
        DelayedPublisher delayed = gateway.services().delayed();
        if (delayed != null && DelayedPublisher.isDelayed(topic)) {
            DelayedPublisher.Request r = delayed.parse(topic);
            if (r.problem() != null) {
                throw new FrameException("destination '" + destination + "': " + r.problem());
            }
            delay = r.seconds();
            message = message.withTopic(r.topic());
        }
        CompletableFuture<Verdict> verdict = gateway.services().gate().publish(this, message, delay);
        if (verdict.isDone() && !verdict.isCompletedExceptionally()) {
            return sent(f, destination, verdict.join());
        }
        return verdict.thenCompose(v -> {
            CompletableFuture<Void> done = new CompletableFuture<>();
            sink.execute(() -> {
                CompletionStage<?> stored = sent(f, destination, v);
                if (stored == null) {
                    done.complete(null);
                } else {
                    stored.whenComplete((r, e) -> done.complete(null));
                }
            });
            return done;
        });
    }

    private int qos(String header) {
        if (header == null) {
            return gateway.config().sendQos();
        }
        return switch (header.trim()) {
            case "0" -> 0;
            case "1" -> 1;
            case "2" -> 2;
            default -> throw new FrameException("qos header must be 0, 1 or 2, was '" + header + "'");
        };
    }

    /**
     * The gate decided. The receipt of an accepted message waits until what it changed in the storage (the queues
     * of offline subscribers) is durable, as PUBACK does; returns that wait, or null.
     */
    private CompletionStage<?> sent(StompFrame f, String destination, Verdict verdict) {
        if (state == State.CLOSED || verdict == Verdict.SOURCE_CLOSED) {
            return null;
        }
        if (verdict.accepted()) {
            if (f.header("receipt") == null) {
                return null;
            }
            CompletionStage<Void> stored = gateway.services().storage().barrierForChanges();
            if (stored == null) {
                receipt(f);
                return null;
            }
            return stored.handleAsync((r, e) -> {
                if (e != null) {
                    error("message to '" + destination + "' could not be stored: " + e.getMessage(), f);
                } else if (state != State.CLOSED) {
                    receipt(f);
                }
                return null;
            }, sink::execute);
        } else if (verdict == Verdict.NOT_AUTHORIZED) {
            error("not authorized to send to '" + destination + "'", f);
        } else {
            error("message to '" + destination + "' refused: " + switch (verdict) {
                case STORAGE_UNAVAILABLE -> "the storage cannot take it now";
                case RETAINED_QUOTA -> "over the retained message quota";
                case DELAYED_QUOTA -> "too many delayed messages wait already";
                case NOT_SUPPORTED -> "the node does not support it (a QoS above its maximum, retain while"
                        + " retained messages are off, or too many topic levels)";
                default -> verdict.name();
            }, f);
        }
        return null;
    }

    // ---- UNSUBSCRIBE, ACK, NACK, DISCONNECT ----

    private CompletionStage<?> unsubscribe(StompFrame f) {
        String id = f.header("id");
        StompSubscription s = id != null ? subscriptions.byId(id)
                : version == StompVersion.V1_0 && f.header("destination") != null
                        ? subscriptions.byDestination(f.header("destination")) : null;
        if (id == null && s == null && version != StompVersion.V1_0) {
            throw new FrameException("UNSUBSCRIBE without an id header");
        }
        if (s == null) {
            receipt(f); // nothing to end: harmless, as an MQTT UNSUBSCRIBE of an unknown filter is
            return null;
        }
        return new SubscribeFlow(this).unsubscribe(s, f);
    }

    /** A session that outlives the connection keeps its STOMP subscriptions for the next one. */
    void remember() {
        if (session.expirySeconds() > 0) {
            gateway.book().keep(client.clientId(), subscriptions.all());
        }
    }

    /** Messages of a subscription that ended are not waited for: they count as acknowledged. */
    void subscriptionEnded(StompSubscription s) {
        for (int packetId : acks.takeAll(s.id())) {
            session.onPubAck(packetId);
        }
    }

    /**
     * ACK takes the message (or, in {@code client} mode, every earlier one of its subscription too) out of flight.
     * NACK does the same without delivery: the client refused the message, and it is not sent again. An id that
     * names no waiting message is ignored (acknowledged already, or sent without need of one).
     */
    private CompletionStage<?> ack(StompFrame f, boolean nack) {
        String ackId = version == StompVersion.V1_2 ? f.header("id") : f.header("message-id");
        if (ackId == null) {
            throw new FrameException(f.command() + " without " + (version == StompVersion.V1_2 ? "an id"
                    : "a message-id") + " header");
        }
        if (nack && version == StompVersion.V1_0) {
            throw new FrameException("NACK is not part of STOMP 1.0");
        }
        for (int packetId : acks.take(ackId)) {
            session.onPubAck(packetId);
        }
        if (nack && LOG.isDebugEnabled()) {
            LOG.debug("{} {}: NACK of message {}: not sent again", sink.listener(), who(), LogSafe.escape(ackId));
        }
        receipt(f);
        return null;
    }

    private void disconnect(StompFrame f) {
        receipt(f);
        closeReason = "normal";
        state = State.CLOSED;
        sink.closeAfterFlush();
    }

    // ---- output ----

    /** Sends a frame the node makes (headers as they mean). */
    void send(StompFrame frame) {
        sink.send(StompEscaping.encode(frame, version));
    }

    void receipt(StompFrame f) {
        String receipt = f.header("receipt");
        if (receipt != null) {
            send(StompFrame.builder("RECEIPT").header("receipt-id", receipt).build());
        }
    }

    /** Tells the client what went wrong in an ERROR frame and closes. */
    void error(String message, StompFrame cause) {
        if (state == State.CLOSED) {
            return;
        }
        LOG.info("{} {}: {}{}", sink.listener(), who(), LogSafe.escape(message),
                cause == null ? "" : " (" + cause.command() + ")");
        // Before a version is agreed, the ERROR names the ones the node speaks.
        send(MessageFrames.error(message, cause, state == State.NEW ? StompVersion.supported()
                : version.atLeast11() ? version.text() : null));
        closeReason = closeReason == null ? "error: " + message : closeReason;
        state = State.CLOSED;
        sink.closeAfterFlush();
    }

    /** The transport can take output again: the session sends what waited. */
    public void writable() {
        if (session != null && state == State.CONNECTED) {
            session.drain();
        }
    }

    /** The transport closed, for whatever reason; on the connection's thread. */
    public void closed() {
        boolean wasConnected = session != null;
        State before = state;
        state = State.CLOSED;
        waiting.clear();
        if (!wasConnected) {
            return;
        }
        gateway.services().sessions().closed(session, this, false);
        if (gateway.services().sessions().get(client.clientId()) == null) {
            gateway.book().forget(client.clientId());
        }
        String reason = closeReason != null ? closeReason : before == State.CLOSED ? "closed" : "connection lost";
        gateway.services().hooks().disconnected(client, reason);
    }

    // ---- ClientConnection: what the session needs ----

    @Override
    public boolean inEventLoop() {
        return sink.inEventLoop();
    }

    @Override
    public void execute(Runnable task) {
        sink.execute(task);
    }

    @Override
    public boolean isWritable() {
        return sink.isWritable();
    }

    /**
     * A MESSAGE frame: the subscription is the first of the delivery's subscription identifiers this connection
     * knows (overlapping subscriptions get one copy, as in MQTT). A QoS 1 delivery waits for ACK unless its
     * subscription is {@code auto}, whose messages count as acknowledged once written.
     */
    @Override
    public boolean sendPublish(Delivery delivery, int packetId, boolean dup) {
        StompSubscription s = subscriptions.forDelivery(delivery.subscriptionIds());
        long n;
        synchronized (this) {
            n = ++nextMessage;
        }
        String messageId = number + "-" + n;
        String subscription = s == null ? "" : s.id();
        boolean awaitsAck = s != null && s.ack() != AckMode.AUTO;
        String destination = gateway.destinations().destinationFor(delivery.message().topic(),
                s == null ? Destinations.Style.PLAIN : s.style());
        if (packetId != 0) {
            if (awaitsAck) {
                acks.add(messageId, packetId, subscription, s.ack() == AckMode.CLIENT);
            } else {
                // Deferred: the session is in the middle of sending, under its own lock.
                Session owner = session;
                sink.execute(() -> owner.onPubAck(packetId));
            }
        }
        send(MessageFrames.message(delivery, subscription, destination, messageId,
                s != null && s.ack() != AckMode.AUTO ? messageId : null, dup, version));
        return true;
    }

    @Override
    public void sendPubRel(int packetId) {
        // STOMP subscriptions are QoS 0 or 1: nothing is ever released.
    }

    @Override
    public void takenOver() {
        sink.execute(() -> {
            closeReason = "takenover";
            error("another connection with client id '" + client.clientId() + "' took the session over", null);
        });
    }

    @Override
    public ClientInfo client() {
        return client;
    }

    @Override
    public long connectedAtMillis() {
        return connectedAtMillis;
    }

    @Override
    public void kick() {
        sink.execute(() -> {
            closeReason = "kicked";
            error("closed by an administrator", null);
        });
    }

    /** The management API subscribes or unsubscribes for the client: as an {@code auto} subscription of that id. */
    @Override
    public void onBehalf(MqttPacket packet) {
        sink.execute(() -> {
            if (state != State.CONNECTED) {
                return;
            }
            if (packet instanceof SubscribePacket sub) {
                for (TopicSubscription t : sub.subscriptions()) {
                    received(StompFrame.builder("SUBSCRIBE").header("id", t.topicFilter())
                            .header("destination", t.topicFilter()).build());
                }
            } else if (packet instanceof UnsubscribePacket unsub) {
                for (String filter : unsub.topicFilters()) {
                    StompSubscription s = subscriptions.byFilter(filter);
                    if (s != null) {
                        received(StompFrame.builder("UNSUBSCRIBE").header("id", s.id()).build());
                    }
                }
            }
        });
    }

    @Override
    public String protocolName() {
        return sink.protocol();
    }

    // ---- PublishGate.Source ----

    @Override
    public CompletableFuture<Boolean> authorize(Action action, String topic) {
        return gateway.services().authorization().authorize(client, action, topic);
    }

    @Override
    public Executor executor() {
        return sink::execute;
    }

    @Override
    public boolean open() {
        return state != State.CLOSED;
    }

    @Override
    public Congestion congestion() {
        return gateway.services().mqtt().pausePublishers() ? this : null;
    }

    /**
     * A subscriber this client just sent to is falling behind: stop reading from the client (TCP pushes back on
     * it) until the subscriber drained, or at most {@code mqtt.max_publisher_pause}, as for an MQTT publisher.
     */
    @Override
    public void congested(io.starling.broker.routing.Destination destination) {
        if (pausedForCongestion || destination == session || state == State.CLOSED) {
            return;
        }
        pausedForCongestion = true;
        resumed = new CompletableFuture<>();
        long pause = ++pauses;
        gateway.services().metrics().publisherPaused();
        sink.autoRead(false);
        sink.schedule(() -> resumeAfterCongestion(pause), gateway.services().mqtt().maxPublisherPause().toMillis());
        destination.whenDrained(() -> sink.execute(() -> resumeAfterCongestion(pause)));
    }

    private void resumeAfterCongestion(long pause) {
        if (!pausedForCongestion || pause != pauses) {
            return;
        }
        pausedForCongestion = false;
        resumed.complete(null);
        drainWaiting();
    }

    @Override
    public String describe() {
        return sink.listener() + " " + who();
    }

    String who() {
        String address = sink.remoteAddress() == null ? "?" : sink.remoteAddress().toString();
        return client == null ? address : "client '" + LogSafe.escape(client.clientId()) + "' (" + address + ")";
    }

    static String required(StompFrame f, String header) {
        String v = f.header(header);
        if (v == null || v.isEmpty()) {
            throw new FrameException(f.command() + " without a " + header + " header");
        }
        return v;
    }
}
