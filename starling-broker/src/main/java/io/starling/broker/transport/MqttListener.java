package io.starling.broker.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.starling.broker.config.ListenerConfig;
import io.starling.broker.protocol.BrokerServices;
import io.starling.broker.protocol.ListenerContext;
import io.starling.broker.protocol.MqttConnection;
import io.starling.codec.MqttDecoder;
import java.net.BindException;
import java.net.InetSocketAddress;
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
    private Channel serverChannel;

    public MqttListener(ListenerConfig config, BrokerServices services) {
        this.config = config;
        this.services = services;
    }

    /** Binds, or throws {@link ListenerBindException} naming the listener and the address. */
    public void start(EventLoops loops) {
        context = new ListenerContext(config.id(), open, loops.connections());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loops.acceptors(), loops.workers())
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
        InetSocketAddress address = new InetSocketAddress(config.host(), config.port());
        ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            Throwable cause = bound.cause();
            String why = cause instanceof BindException || String.valueOf(cause).contains("in use")
                    ? "address already in use" : String.valueOf(cause.getMessage());
            throw new ListenerBindException("listener " + config.id() + " cannot listen on " + config.host() + ":"
                    + config.port() + ": " + why, cause);
        }
        serverChannel = bound.channel();
        LOG.info("listener {} listening on {} ({})", config.id(), describe(boundAddress()), loops.transportName());
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
        return serverChannel == null ? null : (InetSocketAddress) serverChannel.localAddress();
    }

    public ListenerConfig config() {
        return config;
    }

    public int connectionCount() {
        return open.get();
    }

    /** Stops accepting; connected clients are left to the caller. */
    public void stop() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
    }

    private static String describe(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }
}
