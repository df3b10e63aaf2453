package io.starling.bridge;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.starling.api.ClientInfo;
import io.starling.broker.bridge.BridgeView;
import io.starling.broker.config.BridgeConfig;
import io.starling.broker.protocol.BrokerServices;
import io.starling.broker.session.Session;
import io.starling.codec.LogSafe;
import io.starling.codec.MqttDecoder;
import io.starling.codec.ReasonCode;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One named bridge: its local side (session and state topic), its topic rules, its counters, and the connection
 * to the remote, made again with backoff whenever it is lost, through the addresses in order (or round robin).
 * Its state changes on its own event loop only.
 */
final class Bridge {
    private static final Logger LOG = LoggerFactory.getLogger(Bridge.class);
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    private static final long TOO_LARGE_WARNING_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final BridgeConfig config;
    private final BrokerServices services;
    private final EventLoop loop;
    private final SslContext ssl;
    private final TopicMap topics;
    private final LocalSide local;
    private final Inbound inbound;
    private final BridgeStats stats = new BridgeStats();
    private final Backoff backoff;
    private volatile String state = "stopped";
    private volatile String remote = "";
    private boolean running;
    private boolean bridgeBit;
    /** The will's QoS and retain flag: lowered, for good, when a remote refuses them (CONNACK 0x9B, 0x9A). */
    private int willQos = 1;
    private boolean willRetain = true;
    private final AtomicLong lastTooLargeWarning = new AtomicLong(System.nanoTime() - TOO_LARGE_WARNING_NANOS);
    private final LongAdder tooLargeSinceWarning = new LongAdder();
    private int address;
    private RemoteLink link;
    private ScheduledFuture<?> retry;

    Bridge(BridgeConfig config, BrokerServices services, EventLoop loop, SslContext ssl) {
        this.config = config;
        this.services = services;
        this.loop = loop;
        this.ssl = ssl;
        this.topics = new TopicMap(config.topics());
        ClientInfo client = new ClientInfo(config.localClientId(), config.username(), null, config.protocolVersion(),
                config.localClientId(), (int) config.keepalive().toSeconds(), false, false);
        this.local = new LocalSide(services, client, topics);
        this.inbound = new Inbound(services, topics, services.gate().source(client, "bridge '" + config.name() + "'"),
                stats);
        this.backoff = new Backoff(config.reconnectMin(), config.reconnectMax());
        this.bridgeBit = config.protocolVersion() == 4 && config.tryPrivate();
        services.sessions().countDrops(config.localClientId(), stats.dropped);
    }

    BridgeConfig config() {
        return config;
    }

    TopicMap topics() {
        return topics;
    }

    LocalSide local() {
        return local;
    }

    Inbound inbound() {
        return inbound;
    }

    BridgeStats stats() {
        return stats;
    }

    /** Sets the local subscriptions (off the network threads: decisions may wait for a backend). */
    void prepare() {
        local.prepare(new Offline(local.client()));
    }

    void start() {
        loop.execute(() -> {
            if (!running) {
                running = true;
                connect();
            }
        });
    }

    /** Disconnects (the remote is told) and stays so until {@link #start}. */
    void stop() {
        loop.execute(() -> {
            running = false;
            state = "stopped";
            if (retry != null) {
                retry.cancel(false);
                retry = null;
            }
            if (link != null) {
                link.shutdown();
            }
        });
    }

    private void connect() {
        retry = null;
        if (!running) {
            return;
        }
        BridgeConfig.Address to = config.addresses().get(address);
        RemoteLink newLink = new RemoteLink(this, services, bridgeBit, to.toString());
        link = newLink;
        state = "connecting";
        remote = to.toString();
        ChannelFuture f = new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (ssl != null) {
                            SSLEngine engine = ssl.newEngine(ch.alloc(), to.host(), to.port());
                            if (config.tls().verifyHostname()) {
                                SSLParameters params = engine.getSSLParameters();
                                params.setEndpointIdentificationAlgorithm("HTTPS");
                                engine.setSSLParameters(params);
                            }
                            ch.pipeline().addLast("tls", new SslHandler(engine));
                        }
                        ch.pipeline().addLast("decoder", MqttDecoder.forClient(services.mqtt().maxPacketSize(),
                                newLink.version()));
                        long keepalive = config.keepalive().toMillis();
                        if (keepalive > 0) {
                            ch.pipeline().addLast(KeepAlive.NAME, new KeepAlive(newLink, keepalive));
                        }
                        ch.pipeline().addLast("bridge", newLink);
                    }
                }).connect(to.host(), to.port());
        f.addListener(done -> {
            if (!done.isSuccess()) {
                LOG.warn("bridge '{}': cannot connect to {}: {}", config.name(), to,
                        done.cause() == null ? "cancelled" : done.cause().getMessage());
                retryLater(newLink, RemoteLink.Phase.CONNECTING);
            }
        });
    }

    /** The remote accepted the connection and the session is attached. */
    void linkUp(RemoteLink up) {
        if (up != link) {
            return;
        }
        state = "connected";
        stats.connects.increment();
        if (stats.connects.sum() > 1) {
            stats.reconnects.increment();
        }
        backoff.reset();
        if (config.notifications()) {
            local.publishState(config.notificationTopic(), true);
        }
    }

    /** MQTT 3.1.1: the remote does not take the bridge bit; the next attempt, at once, goes without it. */
    void bridgeBitRefused() {
        if (bridgeBit) {
            bridgeBit = false;
            LOG.warn("bridge '{}': the remote refused the bridge bit (protocol level 0x84); connecting as a plain"
                    + " MQTT 3.1.1 client: loops are not prevented on its side", config.name());
        }
    }

    int willQos() {
        return willQos;
    }

    boolean willRetain() {
        return willRetain;
    }

    /**
     * MQTT 5: the remote refused the will (CONNACK 0x9B: its Maximum QoS is 0; 0x9A: it keeps no retained
     * messages); the next attempt sends it as the remote allows. False when there was nothing left to lower.
     */
    boolean willRefused(int reasonCode) {
        if (reasonCode == ReasonCode.QOS_NOT_SUPPORTED && willQos > 0) {
            willQos = 0;
        } else if (reasonCode == ReasonCode.RETAIN_NOT_SUPPORTED && willRetain) {
            willRetain = false;
        } else {
            return false;
        }
        LOG.warn("bridge '{}': the remote refused the will on '{}' (CONNACK 0x{}); sending it {} from now on",
                config.name(), config.notificationTopic(), Integer.toHexString(reasonCode),
                reasonCode == ReasonCode.QOS_NOT_SUPPORTED ? "at QoS 0" : "not retained");
        return true;
    }

    /**
     * A message larger than the remote's Maximum Packet Size: its session drops it (counted in {@code dropped}) and
     * goes on with the next one. Said at most once a minute, with how many since.
     */
    void tooLarge(String topic, long size, long remoteMaximum) {
        tooLargeSinceWarning.increment();
        long now = System.nanoTime();
        long last = lastTooLargeWarning.get();
        if (now - last >= TOO_LARGE_WARNING_NANOS && lastTooLargeWarning.compareAndSet(last, now)) {
            LOG.warn("bridge '{}': a message on '{}' is {} bytes as a PUBLISH, above the remote's maximum packet"
                    + " size ({} bytes): dropped ({} for this reason since the last warning)",
                    config.name(), LogSafe.escape(topic), size, remoteMaximum, tooLargeSinceWarning.sumThenReset());
        }
    }

    void linkClosed(RemoteLink closed, RemoteLink.Phase was, String why) {
        if (closed != link) {
            return;
        }
        if (was == RemoteLink.Phase.UP) {
            if ("stopped".equals(why)) {
                LOG.info("bridge '{}': disconnected from {}: stopped", config.name(), remote);
            } else {
                LOG.warn("bridge '{}': disconnected from {}: {}", config.name(), remote, why);
            }
            if (config.notifications()) {
                local.publishState(config.notificationTopic(), false);
            }
        } else if (!"stopped".equals(why)) {
            LOG.warn("bridge '{}': connecting to {} failed: {}", config.name(), remote, why);
            if (bridgeBit && was == RemoteLink.Phase.CONNECTING && why.equals("connection lost")) {
                // Closed before CONNACK, as brokers that do not know the bridge bit do.
                bridgeBitRefused();
                link = null;
                loop.execute(this::connect);
                return;
            }
        }
        retryLater(closed, was);
    }

    private void retryLater(RemoteLink failed, RemoteLink.Phase was) {
        if (failed != link) {
            return;
        }
        link = null;
        if (!running) {
            state = "stopped";
            return;
        }
        state = "disconnected";
        // A failed attempt tries the next address; a connection lost goes back to the first (the main one)
        // unless round robin.
        address = config.roundRobin() || was != RemoteLink.Phase.UP ? (address + 1) % config.addresses().size() : 0;
        long delay = backoff.nextMillis();
        retry = loop.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    BridgeView.Status status() {
        Session s = services.sessions().get(config.localClientId());
        long queued = s == null ? 0 : s.queuedCount() + s.inflightCount();
        return new BridgeView.Status(config.name(), state, remote, config.protocolVersion() == 5 ? "5" : "3.1.1",
                stats.forwarded.sum(), stats.received.sum(), queued, stats.dropped.sum(), stats.reconnects.sum());
    }

    /** The node stops: the remote is told; the session stays, stored, for the next start. */
    void close() {
        stop();
        services.sessions().countDrops(config.localClientId(), null);
    }
}
