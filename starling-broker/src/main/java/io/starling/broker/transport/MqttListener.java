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
import io.starling.broker.config.ListenerConfig;
import io.starling.broker.protocol.BrokerServices;
import io.starling.broker.protocol.ListenerContext;
import io.starling.broker.protocol.MqttConnection;
import io.starling.codec.MqttDecoder;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One TCP listener: binds its address and gives every accepted socket an MQTT pipeline. */
public final class MqttListener {
    private static final Logger LOG = LoggerFactory.getLogger(MqttListener.class);

    private final ListenerConfig config;
    private final BrokerServices services;
    /** One allocator for every connection of the listener: each still gets its own small handle. */
    private final AdaptiveRecvByteBufAllocator readSizes = new AdaptiveRecvByteBufAllocator();
    private final AtomicInteger open = new AtomicInteger();
    private ListenerContext context;
    /** One server socket, or one per I/O thread with SO_REUSEPORT. */
    private final List<Channel> serverChannels = new ArrayList<>();

    public MqttListener(ListenerConfig config, BrokerServices services) {
        this.config = config;
        this.services = services;
    }

    /** Binds, or throws {@link ListenerBindException} naming the listener and the address. */
    public void start(EventLoops loops) {
        context = new ListenerContext(config.id(), open, loops.connections());
        if (loops.epoll() && config.reusePort()) {
            bindOnEveryLoop(loops);
        } else {
            serverChannels.add(bind(bootstrap(loops.acceptors(), loops.workers(), loops),
                    new InetSocketAddress(config.host(), config.port())));
        }
        LOG.info("listener {} listening on {} ({}{})", config.id(), describe(boundAddress()), loops.transportName(),
                serverChannels.size() > 1 ? ", accepting on " + serverChannels.size() + " threads" : "");
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
        return new ServerBootstrap()
                .group(parent, children)
                .channel(loops.serverChannelType())
                .option(ChannelOption.SO_BACKLOG, 1024)
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
        if (open.incrementAndGet() > config.maxConnections()) {
            open.decrementAndGet();
            LOG.warn("listener {}: refusing connection from {}: {} connections is the maximum", config.id(),
                    ch.remoteAddress(), config.maxConnections());
            ch.close();
            return;
        }
        // The connection decrements the count when it closes, and encodes what it writes itself.
        ch.pipeline()
                .addLast("decoder", MqttDecoder.forServer(services.mqtt().maxPacketSize()))
                .addLast("mqtt", new MqttConnection(services, context));
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
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }
}
