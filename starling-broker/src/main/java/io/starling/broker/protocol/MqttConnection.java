package io.starling.broker.protocol;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.starling.broker.routing.Congestion;
import io.starling.broker.routing.Destination;
import io.starling.broker.routing.PublishGate;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import io.netty.channel.socket.DuplexChannel;
import io.starling.api.ClientInfo;
import io.starling.api.Message;
import io.starling.broker.delivery.Delivery;
import io.starling.broker.session.ClientConnection;
import io.starling.broker.session.Session;
import io.starling.codec.LogSafe;
import io.starling.codec.MqttProperties;
import io.starling.codec.MqttVersion;
import io.starling.codec.PacketEncoder;
import io.starling.codec.PacketType;
import io.starling.codec.ReasonCode;
import io.starling.codec.packet.AckPacket;
import io.starling.codec.packet.AuthPacket;
import io.starling.codec.packet.DisconnectPacket;
import io.starling.codec.packet.InvalidPacket;
import io.starling.codec.packet.MqttPacket;
import io.starling.codec.packet.PingRespPacket;
import io.starling.codec.packet.PublishPacket;
import io.starling.codec.packet.SubscribePacket;
import io.starling.codec.packet.UnsubscribePacket;
import io.starling.api.auth.Authorizer;
import io.starling.broker.config.ListenerType;
import io.starling.broker.config.SecurityConfig;
import io.starling.broker.security.AuthorizationChain;
import java.util.concurrent.CompletableFuture;
import io.starling.broker.config.RateLimits;
import io.starling.broker.limit.TokenBucket;
import java.io.IOException;
import javax.net.ssl.SSLException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: the protocol state machine between the decoder and the session. Inbound packets are
 * handled in order on the channel's event loop; when a packet waits for an asynchronous decision (authentication,
 * authorization) reading pauses and later packets wait behind it, so order is kept and nothing blocks the loop.
 */
public final class MqttConnection extends ChannelInboundHandlerAdapter
        implements ClientConnection, Congestion, PublishGate.Source {
    static final Logger LOG = LoggerFactory.getLogger(MqttConnection.class);

    enum State { AWAITING_CONNECT, AUTHENTICATING, CONNECTING, CONNECTED, CLOSED }

    /** Acknowledgements a connection may have waiting for the storage before it stops reading. */
    private static final int MAX_PENDING_ACKS = 1024;

    /** How long a connection the node closes waits for the client to close its side. */
    private static final long CLOSE_LINGER_MILLIS = 2000;

    final BrokerServices services;
    final ListenerContext listener;
    // Created on first use, like the backlog: most connections are idle and never publish or subscribe.
    private PublishFlow publishFlow;
    private SubscribeFlow subscribeFlow;
    private ArrayDeque<MqttPacket> backlog;
    private boolean waiting;
    private boolean pausedForCongestion;
    /** Acknowledgements waiting for the storage; null until the first. */
    private PendingAcks pendingAcks;
    private boolean pausedForStorage;
    private boolean inRead;
    private boolean flushPending;
    private boolean flushScheduled;
    private ScheduledFuture<?> congestionTimer;
    /** Position in its loop's {@link LoopConnections}, -1 when not in it. */
    int slot = -1;
    /** Close when nothing was read for this long (the CONNECT timeout, then the keep-alive); 0 is never. */
    private long readLimitNanos;
    private long lastReadNanos;

    ChannelHandlerContext ctx;
    volatile MqttVersion version;
    State state = State.AWAITING_CONNECT;
    ClientInfo client;
    long connectedAtMillis;
    Session session;
    boolean publishWillOnClose = true;
    /** Whether the session has been let go of: the node closed the connection or the channel went inactive. */
    private boolean released;
    boolean requestProblemInformation = true;
    long connectSessionExpiry;
    long clientMaxPacketSize;
    OutboundTopicAliases outboundAliases = OutboundTopicAliases.NONE;
    /** The aliases this node allowed the client at CONNECT (MQTT 5); the table is made on the first alias. */
    int inboundAliasMaximum;
    private InboundTopicAliases inboundAliases;
    /** MQTT 5 enhanced authentication, when CONNECT asked for it; else null. */
    EnhancedAuth enhancedAuth;

    /** Why this connection is refused at CONNECT (a connection limit), or null. */
    final String refusal;
    /** The listener's PUBLISH rate for this client; null without one. */
    private final TokenBucket publishRate;
    private boolean pausedForRate;
    /** Another connection took the session over: nothing more this one reads is handled. */
    private volatile boolean replaced;
    /** Recent authorization decisions; null until the first. */
    private AuthorizationCache authorizationCache;

    public MqttConnection(BrokerServices services, ListenerContext listener, String refusal) {
        this.services = services;
        this.listener = listener;
        this.refusal = refusal;
        RateLimits limits = listener.config().limits();
        this.publishRate = limits.publishRate() > 0
                ? new TokenBucket(limits.publishRate(), limits.publishBurst(), System.nanoTime()) : null;
    }

    private PublishFlow publishFlow() {
        if (publishFlow == null) {
            publishFlow = new PublishFlow(this);
        }
        return publishFlow;
    }

    private SubscribeFlow subscribeFlow() {
        if (subscribeFlow == null) {
            subscribeFlow = new SubscribeFlow(this);
        }
        return subscribeFlow;
    }

    /** The topic aliases the client set; no table (and none allowed) until it sets one. */
    InboundTopicAliases inboundAliases() {
        if (inboundAliases == null) {
            inboundAliases = inboundAliasMaximum == 0
                    ? InboundTopicAliases.NONE
                    : new InboundTopicAliases(inboundAliasMaximum);
        }
        return inboundAliases;
    }

    /** The version the encoder uses: unknown until CONNECT, then the client's. */
    public MqttVersion version() {
        return version;
    }

    Channel channel() {
        return ctx.channel();
    }

    boolean isV5() {
        return version == MqttVersion.MQTT_5;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
    }

    @Override
    public void channelActive(ChannelHandlerContext context) {
        services.metrics().connectionOpened();
        listener.registry().add(this, context.executor());
        startReadDeadline(services.mqtt().connectTimeout().toNanos());
        context.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        inRead = true;
        MqttPacket packet = (MqttPacket) msg;
        if (held() || hasBacklog()) {
            // Reading is paused, but the packets of the last read are decoded already: they wait, in order.
            if (backlog == null) {
                backlog = new ArrayDeque<>(4);
            }
            backlog.add(packet);
            return;
        }
        handle(packet);
    }

    /** Whether packets wait: for an asynchronous decision, or for a subscriber this client feeds to catch up. */
    private boolean held() {
        return waiting || pausedForCongestion || pausedForStorage || pausedForRate;
    }

    private boolean hasBacklog() {
        return backlog != null && !backlog.isEmpty();
    }

    private void handle(MqttPacket packet) {
        if (state == State.CLOSED || replaced) {
            return;
        }
        // What another connection on this thread changed is not this packet's to wait for.
        services.storage().startWork();
        CompletionStage<?> pending = dispatch(packet);
        if (pending != null && !pending.toCompletableFuture().isDone()) {
            waiting = true;
            channel().config().setAutoRead(false);
            pending.whenComplete((r, e) -> ctx.executor().execute(this::resume));
        }
    }

    /** Whether this client may publish or subscribe to {@code topic}: from its recent decisions when it can. */
    @Override
    public CompletableFuture<Boolean> authorize(Authorizer.Action action, String topic) {
        AuthorizationChain chain = services.authorization();
        SecurityConfig security = services.security();
        if (security.cacheSize() == 0 || client.superuser()) {
            return chain.authorize(client, action, topic);
        }
        if (authorizationCache == null) {
            authorizationCache = new AuthorizationCache(security.cacheSize(), security.cacheTtl().toNanos());
        }
        long version = chain.version();
        long now = System.nanoTime();
        Boolean known = authorizationCache.get(action, topic, version, now);
        if (known != null) {
            return known ? AuthorizationChain.ALLOWED : AuthorizationChain.DENIED;
        }
        CompletableFuture<Boolean> decision = chain.authorize(client, action, topic);
        if (decision.isDone() && !decision.isCompletedExceptionally()) {
            authorizationCache.put(action, topic, decision.join(), version, now);
        } else {
            decision.thenAccept(ok -> ctx.executor().execute(() ->
                    authorizationCache.put(action, topic, ok, version, System.nanoTime())));
        }
        return decision;
    }

    /** Handles {@code packet} before every packet that waits, as soon as nothing holds the connection. */
    void handleFirst(MqttPacket packet) {
        if (backlog == null) {
            backlog = new ArrayDeque<>(4);
        }
        backlog.addFirst(packet);
        ctx.executor().execute(this::handleBacklog);
    }

    private void resume() {
        waiting = false;
        handleBacklog();
    }

    private void handleBacklog() {
        while (!held() && hasBacklog()) {
            handle(backlog.poll());
        }
        if (!held() && channel().isActive()) {
            channel().config().setAutoRead(true);
        }
    }

    /**
     * A subscriber this connection just published to is falling behind: stop reading from this client (TCP
     * pushes back on it) until the subscriber drained, or at most the configured pause.
     */
    @Override
    public void congested(Destination destination) {
        if (pausedForCongestion || destination == session) {
            return;
        }
        pausedForCongestion = true;
        services.metrics().publisherPaused();
        channel().config().setAutoRead(false);
        congestionTimer = ctx.executor().schedule(this::resumeAfterCongestion,
                services.mqtt().maxPublisherPause().toNanos(), TimeUnit.NANOSECONDS);
        destination.whenDrained(() -> ctx.executor().execute(this::resumeAfterCongestion));
    }

    private void resumeAfterCongestion() {
        if (!pausedForCongestion) {
            return;
        }
        pausedForCongestion = false;
        congestionTimer.cancel(false);
        handleBacklog();
    }

    /**
     * A rate limit of the listener is exceeded: stop reading for {@code nanos} (what was read already waits), so
     * the client is held back by TCP instead of being buffered.
     */
    public void throttle(long nanos) {
        if (pausedForRate || state == State.CLOSED) {
            return;
        }
        pausedForRate = true;
        services.metrics().connectionThrottled();
        channel().config().setAutoRead(false);
        ctx.executor().schedule(this::resumeAfterThrottle, nanos, TimeUnit.NANOSECONDS);
    }

    private void resumeAfterThrottle() {
        pausedForRate = false;
        handleBacklog();
    }

    /** Handles one packet; returns a stage when the rest of the work completes later, else null. */
    private CompletionStage<?> dispatch(MqttPacket packet) {
        if (packet instanceof InvalidPacket invalid) {
            services.metrics().malformedPacket();
            violation(invalid.reasonCode(), invalid.message());
            return null;
        }
        if (state == State.AWAITING_CONNECT) {
            return new ConnectFlow(this).connect((io.starling.codec.packet.ConnectPacket) packet);
        }
        if (state == State.AUTHENTICATING) {
            if (packet instanceof AuthPacket auth) {
                return enhancedAuth.onAuth(auth);
            }
            return new ConnectFlow(this).refuse(ReasonCode.PROTOCOL_ERROR,
                    packet.type() + " before enhanced authentication ended");
        }
        if (state != State.CONNECTED) {
            return null;
        }
        switch (packet.type()) {
            case CONNECT -> violation(ReasonCode.PROTOCOL_ERROR, "second CONNECT on one connection");
            case PUBLISH -> {
                if (publishRate != null) {
                    long wait = publishRate.take(1, System.nanoTime());
                    if (wait > 0) {
                        throttle(wait);
                    }
                }
                return publishFlow().publish((PublishPacket) packet);
            }
            case PUBACK -> session.onPubAck(((AckPacket) packet).packetId());
            case PUBREC -> onPubRec((AckPacket) packet);
            case PUBREL -> publishFlow().release((AckPacket) packet);
            case PUBCOMP -> session.onPubComp(((AckPacket) packet).packetId());
            case SUBSCRIBE -> {
                return subscribeFlow().subscribe((SubscribePacket) packet);
            }
            case UNSUBSCRIBE -> {
                return subscribeFlow().unsubscribe((UnsubscribePacket) packet);
            }
            case PINGREQ -> send(PingRespPacket.INSTANCE);
            case DISCONNECT -> onDisconnect((DisconnectPacket) packet);
            case AUTH -> {
                if (enhancedAuth == null) {
                    violation(ReasonCode.PROTOCOL_ERROR, "AUTH without enhanced authentication in CONNECT");
                } else {
                    return enhancedAuth.onAuth((AuthPacket) packet);
                }
            }
            default -> violation(ReasonCode.PROTOCOL_ERROR, "unexpected " + packet.type());
        }
        return null;
    }

    private void onPubRec(AckPacket ack) {
        boolean failed = ReasonCode.isError(ack.reasonCode());
        if (session.onPubRec(ack.packetId(), failed)) {
            if (!failed) {
                // After the PUBREC is stored: a restarted node must resend PUBREL, never the PUBLISH again.
                acknowledge(AckPacket.of(PacketType.PUBREL, ack.packetId()));
            }
        } else if (!failed) {
            int reason = isV5() ? ReasonCode.PACKET_IDENTIFIER_NOT_FOUND : ReasonCode.SUCCESS;
            send(new AckPacket(PacketType.PUBREL, ack.packetId(), reason, MqttProperties.NONE));
        }
    }

    private void onDisconnect(DisconnectPacket disconnect) {
        Long newExpiry = disconnect.properties().sessionExpiryInterval();
        // Not once taken over (its close is on the way): the session's expiry is the new connection's to set.
        if (newExpiry != null && session.connection() == this) {
            if (connectSessionExpiry == 0 && newExpiry != 0) {
                violation(ReasonCode.PROTOCOL_ERROR, "session expiry set in DISCONNECT after 0 in CONNECT");
                return;
            }
            session.expirySeconds(new ConnectFlow(this).capExpiry(newExpiry));
        }
        publishWillOnClose = disconnect.reasonCode() == ReasonCode.DISCONNECT_WITH_WILL;
        state = State.CLOSED;
        ctx.close();
    }

    /**
     * Sends a PUBACK, PUBREC, PUBREL or PUBCOMP once the storage changes made for it are durable, in the order
     * of the calls. Reading stops while too many wait, so a publisher cannot outrun the disk.
     */
    void acknowledge(AckPacket ack) {
        CompletionStage<Void> stored = services.storage().barrierForChanges();
        if (stored == null && (pendingAcks == null || pendingAcks.isEmpty())) {
            send(ack);
            return;
        }
        if (pendingAcks == null) {
            pendingAcks = new PendingAcks();
        }
        pendingAcks.add(ack, stored, ctx.executor(), this::releaseAcks);
        if (stored == null) {
            releaseAcks();
        } else if (pendingAcks.size() >= MAX_PENDING_ACKS && !pausedForStorage) {
            pausedForStorage = true;
            channel().config().setAutoRead(false);
        }
    }

    private void releaseAcks() {
        pendingAcks.release(p -> {
            if (state == State.CLOSED) {
                return;
            }
            if (p.failure == null) {
                send(p.ack);
                return;
            }
            if (p.ack.type() == PacketType.PUBREC) {
                // The message was not stored: its packet id is free again, for the client as for us.
                session.releaseInboundQos2(p.ack.packetId());
            }
            if (isV5() && (p.ack.type() == PacketType.PUBACK || p.ack.type() == PacketType.PUBREC)) {
                LOG.warn("{} {}: could not store message {}: {}", listener.name(), who(), p.ack.packetId(),
                        p.failure.getMessage());
                send(new AckPacket(p.ack.type(), p.ack.packetId(), ReasonCode.QUOTA_EXCEEDED, MqttProperties.NONE));
            } else {
                violation(ReasonCode.QUOTA_EXCEEDED, "could not store state for packet " + p.ack.packetId() + ": "
                        + p.failure.getMessage());
            }
        });
        if (pausedForStorage && pendingAcks.size() < MAX_PENDING_ACKS / 2) {
            pausedForStorage = false;
            handleBacklog();
        }
    }

    /** The client broke the protocol: tell it why where the protocol allows, log one line, close. */
    void violation(int reasonCode, String message) {
        LOG.warn("{} {}: {}; closing connection (reason 0x{})", listener.name(), who(), message,
                Integer.toHexString(reasonCode));
        if (state == State.CONNECTED && isV5()) {
            closeWith(reasonCode, null);
        } else if (state == State.AWAITING_CONNECT && reasonCode == ReasonCode.UNSUPPORTED_PROTOCOL_VERSION) {
            new ConnectFlow(this).refuse(ReasonCode.UNSUPPORTED_PROTOCOL_VERSION, null);
        } else {
            state = State.CLOSED;
            ctx.close();
        }
    }

    /**
     * Sends DISCONNECT (MQTT 5 only) and closes once it is written. The session is let go of now, not when the
     * socket closes after its linger: a will is due when the node decides to close.
     */
    void closeWith(int reasonCode, String reasonString) {
        State before = state;
        state = State.CLOSED;
        release();
        if (before == State.CONNECTED && isV5() && ctx.channel().isActive()) {
            MqttProperties props = reasonString == null ? MqttProperties.NONE
                    : MqttProperties.builder().reasonString(reasonString).build();
            DisconnectPacket disconnect = new DisconnectPacket(reasonCode, props);
            if (!fitsClient(disconnect)) {
                disconnect = new DisconnectPacket(reasonCode, MqttProperties.NONE);
            }
            closeAfter(writeAndFlush(disconnect, ctx.newPromise()));
        } else {
            ctx.close();
        }
    }

    /** Whether the packet is within the maximum packet size the client announced (MQTT 5), if any. */
    boolean fitsClient(MqttPacket packet) {
        return clientMaxPacketSize == 0 || PacketEncoder.encodedSize(packet, version) <= clientMaxPacketSize;
    }

    /**
     * Closes once the last packet is written: sends FIN first and reads (and ignores) whatever the client still
     * had in flight for a moment, so that the client reads our last packet instead of a connection reset.
     */
    void closeAfter(ChannelFuture lastPacket) {
        lastPacket.addListener(f -> {
            Channel ch = lastPacket.channel();
            // Over TLS or WebSocket a half-close would skip close_notify or the close frame: those close whole.
            if (ch instanceof DuplexChannel duplex && ch.isActive() && listener.config().type() == ListenerType.TCP) {
                duplex.shutdownOutput();
                ch.eventLoop().schedule(() -> ch.close(), CLOSE_LINGER_MILLIS, TimeUnit.MILLISECONDS);
            } else {
                ch.close();
            }
        });
    }

    /** Starts a graceful close from the node (shutdown): MQTT 5 clients are told 0x8B first. */
    public void shutdown() {
        ctx.executor().execute(() -> closeWith(ReasonCode.SERVER_SHUTTING_DOWN, "server shutting down"));
    }

    String who() {
        if (client != null) {
            return "client '" + LogSafe.escape(client.clientId()) + "' (" + address() + ")";
        }
        return address();
    }

    private String address() {
        if (ctx == null) {
            return "?";
        }
        return ClientAddress.describe(ClientAddress.of(ctx.channel()));
    }

    void startReadDeadline(long limitNanos) {
        readLimitNanos = limitNanos;
        lastReadNanos = System.nanoTime();
    }

    /** Called by the loop's periodic sweep. */
    void checkReadDeadline(long nowNanos) {
        if (readLimitNanos > 0 && nowNanos - lastReadNanos >= readLimitNanos) {
            readLimitNanos = 0;
            readTimedOut();
        }
    }

    private void readTimedOut() {
        if (state == State.AWAITING_CONNECT || state == State.AUTHENTICATING) {
            LOG.info("{} {}: no {} in time; closing connection", listener.name(), who(),
                    state == State.AWAITING_CONNECT ? "CONNECT" : "AUTH");
            state = State.CLOSED;
            ctx.close();
        } else if (state == State.CONNECTED) {
            LOG.info("{} {}: keep-alive timed out; closing connection", listener.name(), who());
            closeWith(ReasonCode.KEEP_ALIVE_TIMEOUT, null);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext context) {
        inRead = false;
        if (flushPending) {
            flushPending = false;
            context.flush();
        }
        if (state == State.CONNECTED && readLimitNanos > 0) {
            // Only a connected client earns more time by sending: bytes trickled before CONNECT do not.
            lastReadNanos = System.nanoTime();
        }
        context.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext context) {
        Session s = session;
        if (s != null && context.channel().isWritable()) {
            context.executor().execute(s::drain);
        }
        context.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        state = State.CLOSED;
        readLimitNanos = 0;
        listener.registry().remove(this, context.executor());
        listener.open().decrementAndGet();
        listener.registry().release();
        services.metrics().connectionClosed();
        release();
        if (backlog != null) {
            backlog.clear();
        }
        if (pendingAcks != null) {
            pendingAcks.clear();
        }
    }

    /** Detaches from the session, once, and publishes the will if it is due; does nothing before CONNACK. */
    private void release() {
        if (released || client == null || session == null) {
            return;
        }
        released = true;
        services.sessions().closed(session, this, publishWillOnClose);
        services.hooks().disconnected(client, publishWillOnClose ? "abnormal" : "normal");
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} {} disconnected", listener.name(), who());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        if (cause instanceof IOException || cause.getCause() instanceof SSLException) {
            LOG.debug("{} {}: {}", listener.name(), who(), cause.toString());
        } else {
            LOG.warn("{} {}: unexpected error; closing connection", listener.name(), who(), cause);
        }
        state = State.CLOSED;
        context.close();
    }

    // ---- PublishGate.Source: what the gate needs of a publishing client ----

    @Override
    public Executor executor() {
        // What runs after a wait starts its own work: its acknowledgement waits for what it stores and forwards.
        return task -> ctx.executor().execute(() -> {
            services.storage().startWork();
            task.run();
        });
    }

    @Override
    public boolean open() {
        return state == State.CONNECTED;
    }

    @Override
    public Congestion congestion() {
        return services.mqtt().pausePublishers() ? this : null;
    }

    @Override
    public String describe() {
        return listener.name() + " " + who();
    }

    // ---- ClientConnection: called by the session, under its monitor, from any thread ----

    @Override
    public boolean inEventLoop() {
        return ctx.executor().inEventLoop();
    }

    @Override
    public void execute(Runnable task) {
        ctx.executor().execute(task);
    }

    @Override
    public boolean isWritable() {
        return ctx.channel().isWritable();
    }

    @Override
    public boolean sendPublish(Delivery delivery, int packetId, boolean dup) {
        Message m = delivery.message();
        long now = System.currentTimeMillis();
        String topic = m.topic();
        Integer alias = null;
        boolean newAlias = false;
        if (isV5()) {
            alias = outboundAliases.existing(topic);
            if (alias != null) {
                topic = "";
            } else {
                alias = outboundAliases.proposeNew();
                newAlias = alias != null;
            }
        }
        MqttProperties props = isV5() ? MessageMapping.publishProperties(m, delivery.subscriptionIds(), alias, now)
                : MqttProperties.NONE;
        PublishPacket packet = new PublishPacket(packetId, topic, m.payload(), delivery.qos().value(),
                delivery.retain(), dup, props);
        if (!fitsClient(packet)) {
            return false;
        }
        if (newAlias) {
            outboundAliases.commit(m.topic(), alias);
        }
        send(packet);
        return true;
    }

    @Override
    public void sendPubRel(int packetId) {
        send(AckPacket.of(PacketType.PUBREL, packetId));
    }

    /**
     * Writes without flushing, on the connection's thread: a read batch ends with one flush, and a write made
     * outside a read (a delivery handed over from another thread) is flushed by a task that runs after the
     * batch that made it. Many packets, one syscall.
     */
    void send(MqttPacket packet) {
        write(packet, ctx.voidPromise());
        if (inRead) {
            flushPending = true;
        } else if (!flushScheduled) {
            flushScheduled = true;
            ctx.executor().execute(this::flushNow);
        }
    }

    /** Encodes here rather than in a pipeline handler: one handler context less per connection. */
    ChannelFuture write(MqttPacket packet, ChannelPromise promise) {
        MqttVersion v = version == null ? MqttVersion.MQTT_3_1_1 : version;
        try {
            io.netty.buffer.ByteBuf encoded = PacketEncoder.encode(packet, v, ctx.alloc());
            services.metrics().packetSent(packet.type(), encoded.readableBytes());
            return ctx.write(encoded, promise);
        } catch (RuntimeException e) {
            return promise.setFailure(e);
        }
    }

    ChannelFuture writeAndFlush(MqttPacket packet, ChannelPromise promise) {
        ChannelFuture written = write(packet, promise);
        ctx.flush();
        return written;
    }

    private void flushNow() {
        flushScheduled = false;
        flushPending = false;
        ctx.flush();
    }

    @Override
    public void takenOver() {
        // Set now, on the taking thread: packets this connection read already must not act on the session, whose
        // packet ids are the new connection's from here on.
        replaced = true;
        ctx.executor().execute(() -> {
            LOG.info("{} {}: session taken over by a new connection", listener.name(), who());
            closeWith(ReasonCode.SESSION_TAKEN_OVER, "session taken over");
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
        ctx.executor().execute(() -> {
            LOG.info("{} {}: disconnected by an administrator", listener.name(), who());
            closeWith(ReasonCode.ADMINISTRATIVE_ACTION, "disconnected by an administrator");
        });
    }

    @Override
    public void onBehalf(MqttPacket packet) {
        ctx.executor().execute(() -> {
            if (state == State.CONNECTED) {
                handleFirst(packet);
            }
        });
    }
}
