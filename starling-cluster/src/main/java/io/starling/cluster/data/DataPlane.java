package io.starling.cluster.data;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.starling.api.Message;
import io.starling.broker.config.ClusterConfig;
import io.starling.cluster.membership.ClusterTls;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data plane: a server other nodes connect to, and this node's links to each of them. Messages are forwarded
 * here, never over the control channel, so that a busy link cannot delay failure detection.
 */
public final class DataPlane implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DataPlane.class);

    /** Where forwarded messages go on arrival. */
    public interface Inbound {
        /**
         * Delivers locally, telling {@code congestion} of local destinations that fell behind; returns the barrier
         * of what that stored, or null when it stored nothing.
         */
        java.util.concurrent.CompletionStage<Void> forwarded(String fromNode, Message message, String group,
                String groupFilter, io.starling.broker.routing.Congestion congestion);
    }

    private final ClusterConfig config;
    private final String selfName;
    private final long incarnation;
    private final EventLoopGroup loops;
    private final Channel server;
    private final Map<String, PeerLink> links = new ConcurrentHashMap<>();
    private final Map<String, PeerStats> stats = new ConcurrentHashMap<>();
    private final int maxFrame;
    private final ClusterTls tls;

    public DataPlane(ClusterConfig config, String selfName, long incarnation, int maxMessageBytes, Inbound inbound,
            Predicate<String> isMember, ClusterTls tls) throws InterruptedException {
        this.tls = tls;
        this.config = config;
        this.selfName = selfName;
        this.incarnation = incarnation;
        this.maxFrame = maxMessageBytes + 64 * 1024;
        this.loops = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("starling-cluster-data", true),
                NioIoHandler.newFactory());
        this.server = new ServerBootstrap().group(loops).channel(NioServerSocketChannel.class)
                .childOption(io.netty.channel.ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(tls.server().newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new io.netty.handler.codec.LengthFieldPrepender(4),
                                new LengthFieldBasedFrameDecoder(maxFrame, 0, 4, 0, 4),
                                new InboundLink(config, inbound, isMember, stats));
                    }
                }).bind(config.dataHost(), config.dataPort()).sync().channel();
    }

    /** The data plane's address (the port the OS chose when configured 0). */
    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    /** Opens the links to a node that was met (or keeps the ones open to it when the address is the same). */
    public void connect(String node, String host, int port) {
        PeerStats s = stats.computeIfAbsent(node, n -> new PeerStats());
        PeerLink fresh = new PeerLink(node, host, port, config.linksPerPeer(), config.linkBuffer(), loops, s,
                config.name(), selfName, incarnation, config.cookie(), config.forwardTimeout(),
                tls == null ? null : tls.client());
        PeerLink old = links.put(node, fresh);
        if (old != null) {
            old.close();
        }
        fresh.open();
    }

    /** Closes the links to a node that left. */
    public void disconnect(String node) {
        PeerLink link = links.remove(node);
        if (link != null) {
            link.close();
        }
    }

    /**
     * Forwards to a node; false (counted) when its links are down or full. A {@code confirmation} completes once the
     * node has stored the message (see {@link PeerLink#forward}).
     */
    public boolean forward(String node, Message message, String group, String groupFilter,
            java.util.concurrent.CompletableFuture<Void> confirmation) {
        PeerLink link = links.get(node);
        if (link == null) {
            stats.computeIfAbsent(node, n -> new PeerStats()).dropped.increment();
            if (confirmation != null) {
                confirmation.completeExceptionally(new IllegalStateException("no data link to " + node));
            }
            return false;
        }
        return link.forward(message, group, groupFilter, confirmation);
    }

    /** Whether the links to a node are behind: its publishers pause. */
    public boolean congested(String node) {
        PeerLink link = links.get(node);
        return link != null && link.congested();
    }

    /** Runs {@code resume} once the links to a node caught up (at once when they are not behind). */
    public void whenDrained(String node, Runnable resume) {
        PeerLink link = links.get(node);
        if (link == null) {
            resume.run();
        } else {
            link.whenDrained(resume);
        }
    }

    public boolean up(String node) {
        PeerLink link = links.get(node);
        return link != null && link.up();
    }

    /** Counters per node met since start. */
    public Map<String, PeerStats> stats() {
        return Map.copyOf(stats);
    }

    @Override
    public void close() {
        links.values().forEach(PeerLink::close);
        links.clear();
        server.close();
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
