package io.starling.stomp.tcp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
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
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.starling.broker.config.StompConfig;
import io.starling.broker.transport.TlsContext;
import io.starling.stomp.FrameSink;
import io.starling.stomp.StompConnection;
import io.starling.stomp.frame.FrameLimits;
import io.starling.stomp.frame.FrameParser;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The STOMP listeners: plain TCP and TLS (the node's TLS settings and certificate reloading), on event loops of
 * their own so that STOMP traffic and MQTT traffic do not share a thread's queue.
 */
public final class StompServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StompServer.class);

    private final StompConfig config;
    private final Function<FrameSink, StompConnection> connections;
    private final EventLoopGroup group;
    private final boolean epoll;
    private final ChannelGroup channels = new DefaultChannelGroup("stomp", GlobalEventExecutor.INSTANCE);
    private final List<Channel> servers = new ArrayList<>();
    private final AtomicInteger open = new AtomicInteger();
    private int tcpPort = -1;
    private int sslPort = -1;

    public StompServer(StompConfig config, int threads, Function<FrameSink, StompConnection> connections) {
        this.config = config;
        this.connections = connections;
        this.epoll = Epoll.isAvailable();
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("starling-stomp", true),
                factory);
    }

    /** Binds the listeners; throws with the address when one cannot be bound. */
    public void start() {
        try {
            if (config.tcp() != null) {
                tcpPort = bind(config.tcp(), "stomp:tcp", null);
            }
            if (config.ssl() != null) {
                TlsContext tls = new TlsContext("stomp:ssl", config.ssl().tls());
                sslPort = bind(config.ssl(), "stomp:ssl", tls);
                long every = config.ssl().tls().reloadInterval().toMillis();
                group.next().scheduleWithFixedDelay(tls::reloadIfChanged, every, every, TimeUnit.MILLISECONDS);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private int bind(StompConfig.Endpoint endpoint, String name, TlsContext tls) {
        Class<? extends ServerChannel> type = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        FrameLimits limits = new FrameLimits(config.maxFrameBytes(), config.maxHeaders(), config.maxHeaderBytes());
        ServerBootstrap b = new ServerBootstrap().group(group).channel(type)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (open.incrementAndGet() > config.maxConnections()) {
                            LOG.warn("{}: connection from {} refused: {} STOMP connections already open", name,
                                    ch.remoteAddress(), config.maxConnections());
                            open.decrementAndGet();
                            ch.close();
                            return;
                        }
                        ch.closeFuture().addListener(f -> open.decrementAndGet());
                        channels.add(ch);
                        if (tls != null) {
                            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast("stomp", new StompChannelHandler(new FrameParser(limits), name,
                                connections));
                    }
                });
        String host = endpoint.host().isEmpty() ? "0.0.0.0" : endpoint.host();
        Channel server;
        try {
            server = b.bind(host, endpoint.port()).syncUninterruptibly().channel();
        } catch (Exception e) {
            throw new IllegalStateException(name + ": cannot listen on " + host + ":" + endpoint.port() + ": "
                    + e.getMessage(), e);
        }
        servers.add(server);
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        LOG.info("listener {} on {}:{}", name, host, port);
        return port;
    }

    /** The plain TCP port bound, or -1 when off. */
    public int tcpPort() {
        return tcpPort;
    }

    /** The TLS port bound, or -1 when off. */
    public int sslPort() {
        return sslPort;
    }

    public int openConnections() {
        return open.get();
    }

    @Override
    public void close() {
        servers.forEach(s -> s.close().syncUninterruptibly());
        channels.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
