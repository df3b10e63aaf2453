package io.starling.bridge;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.starling.api.ClientInfo;
import io.starling.api.Message;
import io.starling.broker.config.BridgeConfig;
import io.starling.broker.config.BridgeConfig.TopicRule;
import io.starling.broker.delivery.Delivery;
import io.starling.broker.protocol.BrokerServices;
import io.starling.broker.protocol.MessageMapping;
import io.starling.broker.session.ClientConnection;
import io.starling.broker.session.Session;
import io.starling.codec.LogSafe;
import io.starling.codec.MqttProperties;
import io.starling.codec.MqttVersion;
import io.starling.codec.PacketEncoder;
import io.starling.codec.PacketType;
import io.starling.codec.ReasonCode;
import io.starling.codec.packet.AckPacket;
import io.starling.codec.packet.ConnAckPacket;
import io.starling.codec.packet.ConnectPacket;
import io.starling.codec.packet.DisconnectPacket;
import io.starling.codec.packet.InvalidPacket;
import io.starling.codec.packet.MqttPacket;
import io.starling.codec.packet.PingReqPacket;
import io.starling.codec.packet.PublishPacket;
import io.starling.codec.packet.SubAckPacket;
import io.starling.codec.packet.SubscribePacket;
import io.starling.codec.packet.TopicSubscription;
import io.starling.codec.packet.Will;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection of a bridge to its remote broker: an MQTT client (CONNECT with the bridge bit on 3.1.1, the
 * bridge's will, SUBSCRIBE to the {@code in} rules) and, once the remote accepted it, the connection the bridge's
 * local session is attached to ({@link ClientConnection}): the session's packet ids, in-flight window (the
 * remote's Receive Maximum) and resends after a reconnect are the remote's. What else an MQTT 5 remote's CONNACK
 * limits, the link keeps to: Maximum QoS, Retain Available, Maximum Packet Size, Server Keep Alive. Everything runs
 * on the channel's event loop.
 */
final class RemoteLink extends ChannelInboundHandlerAdapter implements ClientConnection {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteLink.class);
    /** Inbound messages waiting for the node's decision before the link stops reading the remote. */
    private static final int MAX_PENDING_INBOUND = 1000;

    enum Phase { CONNECTING, SUBSCRIBING, UP, CLOSED }

    private final Bridge bridge;
    private final BridgeConfig config;
    private final BrokerServices services;
    private final MqttVersion version;
    private final boolean bridgeBit;
    private final String remote;
    private ChannelHandlerContext ctx;
    private Phase phase = Phase.CONNECTING;
    private Session session;
    private int subscribeId;
    private int remoteReceiveMaximum = 65535;
    /** MQTT 5 CONNACK: what the remote takes; a PUBLISH above it is sent at it (the spec forbids sending more). */
    private int remoteMaxQos = 2;
    /** The keep-alive in use: the bridge's, or the remote's Server Keep Alive; -1 until the remote sets one. */
    private int keepAliveSeconds = -1;
    private long remoteMaxPacketSize = Long.MAX_VALUE;
    private boolean retainAvailable = true;
    private boolean flushScheduled;
    private int pendingInbound;
    /** Set once MAX_PENDING_INBOUND messages wait for the node, cleared at half. */
    private boolean inboundFull;
    private long connectedAtMillis;
    private String closeReason;

    RemoteLink(Bridge bridge, BrokerServices services, boolean bridgeBit, String remote) {
        this.bridge = bridge;
        this.config = bridge.config();
        this.services = services;
        this.version = config.protocolVersion() == 5 ? MqttVersion.MQTT_5 : MqttVersion.MQTT_3_1_1;
        this.bridgeBit = bridgeBit;
        this.remote = remote;
    }

    boolean isV5() {
        return version.isV5();
    }

    MqttVersion version() {
        return version;
    }

    Phase phase() {
        return phase;
    }

    // ---- the MQTT client ----

    @Override
    public void channelActive(ChannelHandlerContext context) {
        this.ctx = context;
        MqttProperties props = MqttProperties.NONE;
        if (isV5()) {
            props = MqttProperties.builder()
                    .sessionExpiryInterval(config.cleanStart() ? 0L : 0xFFFFFFFFL)
                    .receiveMaximum(MAX_PENDING_INBOUND)
                    .maximumPacketSize((long) services.mqtt().maxPacketSize())
                    .build();
        }
        Will will = config.notifiesRemote() ? new Will(config.notificationTopic(), bytes("0"), bridge.willQos(),
                bridge.willRetain(), MqttProperties.NONE) : null;
        ConnectPacket connect = new ConnectPacket(version, config.clientId(), config.cleanStart(),
                (int) config.keepalive().toSeconds(), config.username(),
                config.password() == null ? null : config.password().getBytes(StandardCharsets.UTF_8), will, props,
                bridgeBit);
        context.writeAndFlush(encode(connect));
        // Whatever the keep-alive (0: none), a remote that took the connection but does not answer is left.
        long timeoutMillis = config.connectTimeout().toMillis();
        context.executor().schedule(() -> {
            if (phase == Phase.CONNECTING || phase == Phase.SUBSCRIBING) {
                close("the remote did not answer the " + (phase == Phase.CONNECTING ? "CONNECT" : "SUBSCRIBE")
                        + " within " + timeoutMillis + " ms (connect_timeout)");
            }
        }, timeoutMillis, TimeUnit.MILLISECONDS);
        context.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        MqttPacket packet = (MqttPacket) msg;
        switch (packet.type()) {
            case CONNACK -> onConnAck((ConnAckPacket) packet);
            case SUBACK -> onSubAck((SubAckPacket) packet);
            case PUBLISH -> {
                if (phase != Phase.UP) {
                    // Sent before our SUBACK came: the session is not attached yet, but the node can take it.
                    LOG.debug("{}: PUBLISH before the bridge is up", describe());
                }
                bridge.inbound().publish(this, (PublishPacket) packet);
                if (pendingInbound >= MAX_PENDING_INBOUND) {
                    inboundFull = true;
                    applyAutoRead();
                }
            }
            case PUBACK -> {
                int id = ((AckPacket) packet).packetId();
                if (session != null && (session.onPubAck(id) || (remoteMaxQos < 2 && completeQos2(id)))) {
                    bridge.stats().forwarded.increment();
                }
            }
            case PUBREC -> onPubRec((AckPacket) packet);
            case PUBCOMP -> {
                if (session != null && session.onPubComp(((AckPacket) packet).packetId())) {
                    bridge.stats().forwarded.increment();
                }
            }
            case PUBREL -> bridge.inbound().release(this, ((AckPacket) packet).packetId());
            case PINGRESP, UNSUBACK -> {
            }
            case DISCONNECT -> close("the remote disconnected (reason 0x"
                    + Integer.toHexString(((DisconnectPacket) packet).reasonCode()) + ")");
            default -> {
                if (packet instanceof InvalidPacket invalid) {
                    close("the remote sent a malformed packet: " + invalid);
                } else {
                    close("the remote sent an unexpected " + packet.type());
                }
            }
        }
    }

    private void onConnAck(ConnAckPacket ack) {
        if (phase != Phase.CONNECTING) {
            close("a second CONNACK");
            return;
        }
        if (ack.reasonCode() != 0) {
            int code = ack.reasonCode();
            boolean protocolRefused = !isV5() && (code == ReasonCode.V3_UNACCEPTABLE_PROTOCOL_VERSION
                    || code == ReasonCode.UNSUPPORTED_PROTOCOL_VERSION);
            if (bridgeBit && protocolRefused) {
                bridge.bridgeBitRefused();
            }
            if (isV5() && config.notifiesRemote() && bridge.willRefused(code)) {
                close("the remote refused the bridge's will (CONNACK 0x" + Integer.toHexString(code) + ")");
                return;
            }
            String hint = config.notifiesRemote() && (code == ReasonCode.NOT_AUTHORIZED || (!isV5()
                    && code == ReasonCode.V3_NOT_AUTHORIZED)) ? "; if its rules refuse the bridge's will on '"
                    + config.notificationTopic() + "', allow it there or set notifications_local_only = true" : "";
            close("the remote refused the connection (CONNACK 0x" + Integer.toHexString(code) + ")" + hint);
            return;
        }
        MqttProperties p = ack.properties();
        if (p.receiveMaximum() != null) {
            remoteReceiveMaximum = p.receiveMaximum();
        }
        if (p.maximumPacketSize() != null) {
            remoteMaxPacketSize = p.maximumPacketSize();
        }
        if (p.retainAvailable() != null) {
            retainAvailable = p.retainAvailable() != 0;
        }
        if (p.maximumQos() != null) {
            remoteMaxQos = p.maximumQos();
        }
        if (p.serverKeepAlive() != null) {
            useKeepAlive(p.serverKeepAlive());
        }
        connectedAtMillis = System.currentTimeMillis();
        LOG.info("{}: connected (MQTT {}{}, session {}, receive maximum {}{})", describe(), isV5() ? "5" : "3.1.1",
                bridgeBit ? " as a bridge" : "", ack.sessionPresent() ? "resumed" : "new", remoteReceiveMaximum,
                limits());
        if (config.notifiesRemote()) {
            send(new PublishPacket(0, config.notificationTopic(), bytes("1"), 0, retainAvailable, false,
                    MqttProperties.NONE));
        }
        // The session is ours from here: its in-flight ids are known, and SUBSCRIBE takes one that is free.
        session = bridge.local().open(this);
        if (!ack.sessionPresent()) {
            bridge.inbound().forgetPending(session);
        }
        List<TopicSubscription> in = new ArrayList<>();
        for (TopicRule r : bridge.topics().rules()) {
            if (r.direction().in()) {
                // MQTT 5: no-local, so what goes out does not come back; retain as published, flags kept.
                // Never above the remote's Maximum QoS: it would grant no more anyway.
                int qos = Math.min(r.qos(), remoteMaxQos);
                in.add(isV5() ? new TopicSubscription(r.remoteFilter(), qos, true, true, 0)
                        : TopicSubscription.of(r.remoteFilter(), qos));
            }
        }
        if (in.isEmpty()) {
            up();
            return;
        }
        subscribeId = 65535;
        while (session.packetIdInUse(subscribeId)) {
            subscribeId--;
        }
        phase = Phase.SUBSCRIBING;
        send(new SubscribePacket(subscribeId, in, MqttProperties.NONE));
    }

    /** What the remote's CONNACK limits, for the log line saying the bridge connected; empty when nothing. */
    private String limits() {
        StringBuilder b = new StringBuilder();
        if (remoteMaxQos < 2) {
            b.append(", maximum QoS ").append(remoteMaxQos);
        }
        if (!retainAvailable) {
            b.append(", retain not available");
        }
        if (remoteMaxPacketSize != Long.MAX_VALUE) {
            b.append(", maximum packet size ").append(remoteMaxPacketSize);
        }
        if (keepAliveSeconds >= 0) {
            b.append(", server keep alive ").append(keepAliveSeconds).append(" s");
        }
        return b.toString();
    }

    private void onSubAck(SubAckPacket ack) {
        if (phase != Phase.SUBSCRIBING || ack.packetId() != subscribeId) {
            close("an unexpected SUBACK");
            return;
        }
        List<String> refused = new ArrayList<>();
        List<TopicRule> rules = bridge.topics().rules().stream().filter(r -> r.direction().in()).toList();
        for (int i = 0; i < ack.reasonCodes().size() && i < rules.size(); i++) {
            if (ReasonCode.isError(ack.reasonCodes().get(i))) {
                refused.add(rules.get(i).remoteFilter() + " (0x" + Integer.toHexString(ack.reasonCodes().get(i)) + ")");
            }
        }
        if (!refused.isEmpty()) {
            LOG.warn("{}: the remote refused the subscriptions {}: nothing comes in for them", describe(), refused);
        }
        up();
    }

    private void up() {
        phase = Phase.UP;
        services.sessions().attach(session, this, remoteReceiveMaximum);
        bridge.linkUp(this);
    }

    private void onPubRec(AckPacket ack) {
        boolean failed = ReasonCode.isError(ack.reasonCode());
        if (session != null && session.onPubRec(ack.packetId(), failed)) {
            if (!failed) {
                // Once the PUBREC is stored: a restarted node resends PUBREL, never the PUBLISH again.
                services.storage().barrier().whenComplete((r, e) -> execute(() -> {
                    if (e == null) {
                        sendPubRel(ack.packetId());
                    } else {
                        close("the storage failed: " + e);
                    }
                }));
            }
        } else if (!failed) {
            send(new AckPacket(PacketType.PUBREL, ack.packetId(),
                    isV5() ? ReasonCode.PACKET_IDENTIFIER_NOT_FOUND : ReasonCode.SUCCESS, MqttProperties.NONE));
        }
    }

    void inboundStarted() {
        pendingInbound++;
    }

    void inboundFinished() {
        pendingInbound--;
        if (inboundFull && pendingInbound <= MAX_PENDING_INBOUND / 2) {
            inboundFull = false;
            applyAutoRead();
        }
    }

    /**
     * Reads from the remote while the node keeps up with what it sends and the remote reads our answers: a remote
     * that publishes and never reads its PUBACKs is not read either, so the answers cannot pile up here.
     */
    private void applyAutoRead() {
        if (ctx != null) {
            ctx.channel().config().setAutoRead(!inboundFull && ctx.channel().isWritable());
        }
    }

    /**
     * MQTT 5: the remote's Server Keep Alive replaces the bridge's own for the PINGREQs and the silence detection
     * (0: none), as the client must use it.
     */
    private void useKeepAlive(int seconds) {
        ChannelPipeline pipeline = ctx.pipeline();
        if (pipeline.get(KeepAlive.NAME) != null) {
            pipeline.remove(KeepAlive.NAME);
        }
        if (seconds > 0) {
            pipeline.addBefore(ctx.name(), KeepAlive.NAME, new KeepAlive(this, seconds * 1000L));
        }
        keepAliveSeconds = seconds;
    }

    void ping() {
        ctx.writeAndFlush(encode(new PingReqPacket()), ctx.voidPromise());
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext context) {
        applyAutoRead();
        if (context.channel().isWritable() && session != null && phase == Phase.UP) {
            session.drain();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        close(cause.getMessage() == null ? cause.toString() : cause.getMessage());
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        Phase was = phase;
        phase = Phase.CLOSED;
        if (session != null) {
            services.sessions().closed(session, this, false);
        }
        bridge.linkClosed(this, was, closeReason == null ? "connection lost" : closeReason);
    }

    /** Closes the connection, saying why in the log; the bridge reconnects unless it was stopped. */
    void close(String why) {
        if (closeReason == null) {
            closeReason = why;
        }
        if (ctx != null) {
            ctx.close();
        }
    }

    /** A stop: the remote is told (state 0, a normal DISCONNECT, which discards the will), then the link closes. */
    void shutdown() {
        if (ctx == null) {
            return;
        }
        closeReason = "stopped";
        if (phase == Phase.UP || phase == Phase.SUBSCRIBING) {
            if (config.notifiesRemote()) {
                write(new PublishPacket(0, config.notificationTopic(), bytes("0"), 0, retainAvailable, false,
                        MqttProperties.NONE));
            }
            write(DisconnectPacket.NORMAL);
        }
        ctx.flush();
        ctx.close();
    }

    /** The bridge's local session, once the remote accepted this connection; null before. */
    Session session() {
        return session;
    }

    // ---- the connection the bridge's local session is attached to ----

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
        String topic = bridge.topics().toRemote(m.topic(), delivery.subscriptionIds());
        if (topic == null) {
            // A subscription no rule accounts for (a hook rewrote it): nowhere to send it.
            LOG.warn("{}: no 'out' rule renames '{}': not forwarded", describe(), LogSafe.escape(m.topic()));
            return false;
        }
        MqttProperties props = isV5() ? MessageMapping.publishProperties(m, Delivery.NO_IDS, null,
                System.currentTimeMillis()) : MqttProperties.NONE;
        int qos = Math.min(delivery.qos().value(), remoteMaxQos);
        PublishPacket packet = new PublishPacket(qos == 0 ? 0 : packetId, topic, m.payload(), qos,
                delivery.retain() && retainAvailable, dup && qos > 0, props);
        long size = PacketEncoder.encodedSize(packet, version);
        if (size > remoteMaxPacketSize) {
            bridge.tooLarge(topic, size, remoteMaxPacketSize);
            return false;
        }
        send(packet);
        if (delivery.qos().value() == 0) {
            bridge.stats().forwarded.increment();
        } else if (qos == 0) {
            // Sent at QoS 0 to a remote that takes no more: no acknowledgement comes, the message is delivered
            // as far as it can be. Completed after this call, which the session makes while it iterates.
            execute(() -> {
                if (phase == Phase.UP && (session.onPubAck(packetId) || completeQos2(packetId))) {
                    bridge.stats().forwarded.increment();
                }
            });
        }
        return true;
    }

    /** A QoS 2 message sent below QoS 2 was acknowledged as far as the remote's Maximum QoS goes: it is done. */
    private boolean completeQos2(int packetId) {
        return session.onPubRec(packetId, false) && session.onPubComp(packetId);
    }

    @Override
    public void sendPubRel(int packetId) {
        send(AckPacket.of(PacketType.PUBREL, packetId));
    }

    @Override
    public void takenOver() {
        execute(() -> {
            LOG.warn("{}: another connection took the session '{}' over; client ids beginning 'bridge:' are the"
                    + " bridges'", describe(), LogSafe.escape(bridge.local().client().clientId()));
            close("session taken over");
        });
    }

    @Override
    public ClientInfo client() {
        return bridge.local().client();
    }

    @Override
    public long connectedAtMillis() {
        return connectedAtMillis;
    }

    @Override
    public void kick() {
        execute(() -> close("disconnected by an administrator"));
    }

    @Override
    public void onBehalf(MqttPacket packet) {
        LOG.debug("{}: {} on its behalf ignored: its subscriptions are its rules", describe(), packet.type());
    }

    // ---- writing ----

    /** Writes on the event loop; one flush for what a batch of work wrote. */
    void send(MqttPacket packet) {
        write(packet);
        if (!flushScheduled) {
            flushScheduled = true;
            ctx.executor().execute(() -> {
                flushScheduled = false;
                ctx.flush();
            });
        }
    }

    private void write(MqttPacket packet) {
        ctx.write(encode(packet), ctx.voidPromise());
    }

    private ByteBuf encode(MqttPacket packet) {
        return PacketEncoder.encode(packet, version, ctx.alloc());
    }

    private String describe() {
        return "bridge '" + config.name() + "' to " + remote;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    Channel channel() {
        return ctx == null ? null : ctx.channel();
    }
}
