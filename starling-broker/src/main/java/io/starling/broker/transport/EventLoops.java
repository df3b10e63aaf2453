package io.starling.broker.transport;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.starling.broker.protocol.ConnectionRegistry;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The node's network threads: epoll on Linux when its native library loads, NIO elsewhere. */
public final class EventLoops implements AutoCloseable {
    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;
    private final boolean epoll;
    private final ConnectionRegistry connections;

    public EventLoops(int acceptorThreads, int workerThreads) {
        this.epoll = Epoll.isAvailable();
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.acceptors = new MultiThreadIoEventLoopGroup(acceptorThreads,
                new DefaultThreadFactory("starling-acceptor", true), factory);
        this.workers = new MultiThreadIoEventLoopGroup(workerThreads,
                new DefaultThreadFactory("starling-io", true), factory);
        this.connections = new ConnectionRegistry(workers);
    }

    /**
     * How many network threads a node runs when the operator leaves it to the node: one per core but one, and at
     * least one. The core left over serves what the design keeps off the network threads (storage, authentication
     * backends, the management API) and the JVM's collector and compiler. On two cores a second network thread
     * made each burst of publishes wake two threads instead of one: at 10,000 msg/s half as much CPU again per
     * message and a p99 1.7 times as long (docs/benchmarks.md, "One network thread on two cores").
     */
    public static int defaultWorkerThreads(int cores) {
        return Math.max(1, cores - 1);
    }

    /** The open MQTT connections on these loops. */
    public ConnectionRegistry connections() {
        return connections;
    }

    EventLoopGroup acceptors() {
        return acceptors;
    }

    EventLoopGroup workers() {
        return workers;
    }

    /** Each I/O thread, for listeners that accept on every one of them. */
    List<EventLoop> workerLoops() {
        List<EventLoop> each = new ArrayList<>();
        workers.forEach(executor -> each.add((EventLoop) executor));
        return each;
    }

    boolean epoll() {
        return epoll;
    }

    Class<? extends ServerChannel> serverChannelType() {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public String transportName() {
        return epoll ? "epoll" : "nio";
    }

    @Override
    public void close() {
        connections.close();
        acceptors.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
