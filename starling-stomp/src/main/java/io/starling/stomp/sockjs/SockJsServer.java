package io.starling.stomp.sockjs;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.starling.broker.config.StompConfig;
import io.starling.broker.transport.TlsContext;
import io.starling.stomp.FrameSink;
import io.starling.stomp.StompConnection;
import io.starling.stomp.frame.FrameLimits;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * STOMP for browsers: SockJS 0.3 and the raw WebSocket on an HTTP port of its own (plain or TLS), on event loops of
 * their own. Every session and raw socket is a STOMP connection of the node, counted against
 * {@code stomp.max_connections} on its own.
 */
public final class SockJsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SockJsServer.class);

    private final StompConfig stomp;
    private final StompConfig.SockJs config;
    private final Function<FrameSink, StompConnection> connections;
    private final FrameLimits limits;
    private final EventLoopGroup group;
    private final boolean epoll;
    private final ChannelGroup channels = new DefaultChannelGroup("sockjs", GlobalEventExecutor.INSTANCE);
    private final Map<String, SockJsSession> sessions = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private Channel server;
    private int port = -1;

    public SockJsServer(StompConfig stomp, int threads, Function<FrameSink, StompConnection> connections) {
        this.stomp = stomp;
        this.config = stomp.sockjs();
        this.connections = connections;
        this.limits = new FrameLimits(stomp.maxFrameBytes(), stomp.maxHeaders(), stomp.maxHeaderBytes());
        this.epoll = Epoll.isAvailable();
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("starling-sockjs", true),
                factory);
    }

    /** Binds the listener; throws with the address when it cannot be bound. */
    public void start() {
        String name = config.tls() != null ? "stomp:sockjs-tls" : "stomp:sockjs";
        TlsContext tls = config.tls() != null ? new TlsContext(name, config.tls()) : null;
        Class<? extends ServerChannel> type = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        ServerBootstrap b = new ServerBootstrap().group(group).channel(type)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        channels.add(ch);
                        if (tls != null) {
                            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast("http", new HttpServerCodec());
                        ch.pipeline().addLast("aggregator", new HttpObjectAggregator(config.maxMessageBytes()));
                        ch.pipeline().addLast("sockjs", new SockJsHandler(SockJsServer.this));
                    }
                });
        String host = config.bind().host().isEmpty() ? "0.0.0.0" : config.bind().host();
        try {
            server = b.bind(host, config.bind().port()).syncUninterruptibly().channel();
        } catch (Exception e) {
            close();
            throw new IllegalStateException(name + ": cannot listen on " + host + ":" + config.bind().port() + ": "
                    + e.getMessage(), e);
        }
        if (tls != null) {
            long every = config.tls().reloadInterval().toMillis();
            group.next().scheduleWithFixedDelay(tls::reloadIfChanged, every, every, TimeUnit.MILLISECONDS);
        }
        port = ((InetSocketAddress) server.localAddress()).getPort();
        LOG.info("listener {} on {}:{} (SockJS at {}, raw WebSocket at {}/websocket)", name, host, port,
                config.path().isEmpty() ? "/" : config.path(), config.path());
    }

    StompConfig.SockJs config() {
        return config;
    }

    boolean tls() {
        return config.tls() != null;
    }

    /** The session of this id, made on the request's event loop when new; null when there are too many. */
    SockJsSession open(String id, Channel channel) {
        SockJsSession s = sessions.get(id);
        if (s != null) {
            return s;
        }
        if (!admit(channel)) {
            return null;
        }
        SockJsSession[] made = new SockJsSession[1];
        s = sessions.computeIfAbsent(id, k -> made[0] = new SockJsSession(k, channel.eventLoop(), config, limits,
                channel.remoteAddress() instanceof InetSocketAddress a ? a : null, connections, this::gone));
        if (made[0] == null) {
            open.decrementAndGet(); // another request made it first
        }
        return s;
    }

    SockJsSession session(String id) {
        return sessions.get(id);
    }

    private void gone(SockJsSession s) {
        if (sessions.remove(s.id(), s)) {
            open.decrementAndGet();
        }
    }

    ChannelHandler sessionWebSocket(String id, Channel channel) {
        SockJsSession s = open(id, channel);
        return s == null ? null : new SessionWebSocketHandler(s);
    }

    ChannelHandler rawWebSocket(Channel channel) {
        if (!admit(channel)) {
            return null;
        }
        channel.closeFuture().addListener(f -> open.decrementAndGet());
        return new RawWebSocketHandler(limits, config.maxBufferedBytes(), connections);
    }

    private boolean admit(Channel channel) {
        if (open.incrementAndGet() > stomp.maxConnections()) {
            open.decrementAndGet();
            LOG.warn("stomp:sockjs: session from {} refused: {} SockJS sessions and WebSockets already open",
                    channel.remoteAddress(), stomp.maxConnections());
            return false;
        }
        return true;
    }

    /** The port bound, or -1 before {@link #start}. */
    public int port() {
        return port;
    }

    /** SockJS sessions held now (open, or closed and still answering with their close frame). */
    public int sessions() {
        return sessions.size();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        sessions.values().forEach(s -> s.execute(s::shutdown));
        channels.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
