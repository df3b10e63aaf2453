package io.starling.broker.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.starling.broker.config.ListenerConfig;
import io.starling.broker.config.RateLimits;
import io.starling.broker.config.WebSocketConfig;
import io.starling.broker.protocol.ClientAddress;
import io.starling.broker.protocol.BrokerServices;
import io.starling.broker.protocol.ListenerContext;
import io.starling.broker.protocol.MqttConnection;
import io.starling.codec.MqttDecoder;
import io.starling.codec.MqttDecoder.PacketCounter;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One listener: binds its address and gives every accepted socket the pipeline of its type: access rules and
 * limits first, then PROXY protocol, TLS and WebSocket as configured, then the MQTT decoder and connection.
 */
public final class MqttListener {
    private static final Logger LOG = LoggerFactory.getLogger(MqttListener.class);

    /** reload may change its limits: new connections read it, and the context, when they are accepted. */
    private volatile ListenerConfig config;
    private final BrokerServices services;
    private TlsContext tls;
    private AcceptRateLimiter acceptLimiter;
    /** One allocator for every connection of the listener: each still gets its own small handle. */
    private final AdaptiveRecvByteBufAllocator readSizes = new AdaptiveRecvByteBufAllocator();
    private final AtomicInteger open = new AtomicInteger();
    /** Shared by the decoders: a method reference per connection would cost every idle connection 16 bytes. */
    private final PacketCounter packetCounter;
    private volatile ListenerContext context;
    /** One server socket, or one per I/O thread with SO_REUSEPORT. */
    private final List<Channel> serverChannels = new ArrayList<>();
    private boolean acceptOnStart = true;
    private String transportName = "";

    public MqttListener(ListenerConfig config, BrokerServices services) {
        this.config = config;
        this.services = services;
        this.packetCounter = services.metrics()::packetReceived;
    }

    /**
     * Binds, or throws {@link ListenerBindException} naming the listener and the address, or
     * {@link TlsSetupException} naming the TLS file that cannot be used.
     */
    public void start(EventLoops loops) {
        start(loops, true);
    }

    /** As {@link #start(EventLoops)}; not {@code accepting}: bound, but new connections wait in the accept queue. */
    public void start(EventLoops loops, boolean accepting) {
        this.acceptOnStart = accepting;
        this.transportName = loops.transportName();
        context = new ListenerContext(config, open, loops.connections());
        if (config.type().tls()) {
            tls = new TlsContext(config.id(), config.tls());
        }
        if (config.limits().connectionRate() > 0) {
            acceptLimiter = new AcceptRateLimiter(config.limits().connectionRate());
        }
        if (loops.epoll() && config.reusePort()) {
            bindOnEveryLoop(loops);
        } else {
            serverChannels.add(bind(bootstrap(loops.acceptors(), loops.workers(), loops),
                    new InetSocketAddress(config.host(), config.port())));
        }
    }

    /** Where it listens and how, for the start-up log: address, WebSocket path, transport, TLS. */
    public String description() {
        StringBuilder text = new StringBuilder(describe(boundAddress()));
        if (config.webSocket() != null) {
            text.append(" path ").append(config.webSocket().path());
        }
        text.append(" (").append(transportName);
        if (serverChannels.size() > 1) {
            text.append(", accepting on ").append(serverChannels.size()).append(" threads");
        }
        if (tls != null) {
            text.append(", TLS ").append(String.join("/", config.tls().protocols())).append(" by ")
                    .append(tls.engineName()).append(", client certificates ")
                    .append(config.tls().verify().name().toLowerCase(java.util.Locale.ROOT));
        }
        return text.append(')').toString();
    }

    /**
     * One socket per I/O thread on the same port (SO_REUSEPORT): the kernel spreads new connections over them and
     * each is served by the thread that accepted it, with no hand-off between threads. SO_REUSEPORT would let a
     * second node of the same user bind the port too, so a plain bind first proves the port free.
     */
    private void bindOnEveryLoop(EventLoops loops) {
        int port = probeFreePort();
        for (EventLoop loop : loops.workerLoops()) {
            ServerBootstrap b = bootstrap(loop, loop, loops).option(EpollChannelOption.SO_REUSEPORT, true);
            try {
                serverChannels.add(bind(b, new InetSocketAddress(config.host(), port)));
            } catch (ListenerBindException e) {
                stop();
                throw e;
            }
        }
    }

    /** Starts accepting the connections of a listener started paused. */
    public void acceptConnections() {
        for (Channel c : serverChannels) {
            c.config().setAutoRead(true);
        }
    }

    private int probeFreePort() {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(config.host(), config.port()));
            return probe.getLocalPort();
        } catch (IOException e) {
            throw cannotListen(e);
        }
    }

    private ServerBootstrap bootstrap(EventLoopGroup parent, EventLoopGroup children, EventLoops loops) {
        ServerBootstrap b = new ServerBootstrap();
        if (acceptLimiter != null) {
            b.handler(acceptLimiter);
        }
        return b
                .group(parent, children)
                .channel(loops.serverChannelType())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.AUTO_READ, acceptOnStart)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, readSizes)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        initConnection(ch);
                    }
                });
    }

    private Channel bind(ServerBootstrap bootstrap, InetSocketAddress address) {
        ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw cannotListen(bound.cause());
        }
        return bound.channel();
    }

    private ListenerBindException cannotListen(Throwable cause) {
        String why = cause instanceof BindException || String.valueOf(cause).contains("in use")
                ? "address already in use" : String.valueOf(cause.getMessage());
        return new ListenerBindException("listener " + config.id() + " cannot listen on " + config.host() + ":"
                + config.port() + ": " + why, cause);
    }

    private void initConnection(SocketChannel ch) {
        // The socket's peer always; behind a proxy, the address its header gives too, checked when that arrives.
        if (!config.access().allows(ch.remoteAddress())) {
            LOG.info("listener {} {}: connection refused by the access rules {}", config.id(),
                    describe(ch.remoteAddress()), config.access());
            ch.close();
            return;
        }
        if (config.proxyProtocol() && !config.trustedProxies().trusts(ch.remoteAddress())) {
            // Its header would choose the address that logs, access rules and authorization see.
            LOG.info("listener {} {}: not a trusted proxy (trusted_proxies {}), and this listener takes only PROXY"
                    + " protocol; closing connection", config.id(), describe(ch.remoteAddress()),
                    config.trustedProxies());
            ch.close();
            return;
        }
        String refusal = null;
        if (open.incrementAndGet() > config.maxConnections()) {
            refusal = "listener " + config.id() + " holds its maximum of " + config.maxConnections() + " connections";
        }
        int nodeMax = services.limits().maxConnections();
        if (!context.registry().admit(nodeMax) && refusal == null) {
            refusal = "the node holds its maximum of " + nodeMax + " connections";
        }
        ChannelPipeline p = ch.pipeline();
        RateLimits limits = config.limits();
        if (limits.bytesRate() > 0) {
            p.addLast("byte-limit", new InboundByteLimiter(limits.bytesRate(), limits.bytesBurst()));
        }
        if (config.proxyProtocol()) {
            p.addLast("proxy-decoder", new HAProxyMessageDecoder());
            p.addLast("proxy", new ProxyProtocolHandler(config));
        }
        if (tls != null) {
            p.addLast("tls", tls.newHandler(ch.alloc()));
            p.addLast("tls-observer", new TlsHandshakeObserver(config.id()));
        }
        WebSocketConfig ws = config.webSocket();
        if (ws != null) {
            p.addLast("http", new HttpServerCodec());
            p.addLast("http-aggregator", new HttpObjectAggregator(8192));
            p.addLast("ws-check", new WebSocketUpgradeCheck(config));
            p.addLast("ws", new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                    .websocketPath(ws.path())
                    .subprotocols(String.join(",", WebSocketUpgradeCheck.SUBPROTOCOLS))
                    .maxFramePayloadLength(services.mqtt().maxPacketSize())
                    .dropPongFrames(true)
                    .build()));
            p.addLast("ws-frames", new WebSocketFrameCodec(config.id()));
        }
        // The connection decrements the counts when it closes, and encodes what it writes itself.
        p.addLast("decoder", MqttDecoder.forServer(services.mqtt().maxPacketSize(), packetCounter));
        p.addLast("mqtt", new MqttConnection(services, context, refusal));
    }

    /** New limits for the connections accepted from now on; open ones keep theirs. */
    public void applyLimits(ListenerConfig fresh) {
        config = config.withLimitsOf(fresh);
        if (context != null) {
            context = new ListenerContext(config, open, context.registry());
        }
    }

    /** Rebuilds the TLS context if its files changed; connected clients stay. False without TLS or change. */
    public boolean reloadTlsIfChanged() {
        return tls != null && tls.reloadIfChanged();
    }

    /** Rebuilds the TLS context from its files now; false without TLS or when the files cannot be used. */
    public boolean reloadTls() {
        return tls != null && tls.reload();
    }

    public InetSocketAddress boundAddress() {
        return serverChannels.isEmpty() ? null : (InetSocketAddress) serverChannels.get(0).localAddress();
    }

    public ListenerConfig config() {
        return config;
    }

    public int connectionCount() {
        return open.get();
    }

    /** Stops accepting; connected clients are left to the caller. */
    public void stop() {
        for (Channel channel : serverChannels) {
            channel.close().syncUninterruptibly();
        }
        serverChannels.clear();
    }

    private static String describe(InetSocketAddress a) {
        return ClientAddress.describe(a);
    }
}
