package io.starling.broker.protocol;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Every open MQTT connection of the node, kept per event loop: the loops sweep their own connections for read
 * timeouts, and shutdown reaches them all. Replaces a channel group and a timer per connection, which cost
 * more memory than the rest of an idle connection's state.
 */
public final class ConnectionRegistry implements AutoCloseable {
    /** How often each loop checks read deadlines: keep-alive and the CONNECT timeout hold to within this. */
    static final long SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final Map<EventExecutor, LoopConnections> loops = new IdentityHashMap<>();
    private final List<ScheduledFuture<?>> sweeps = new ArrayList<>();
    private final AtomicInteger open = new AtomicInteger();
    /** Sockets counted against the node's connection limit, from accept to close. */
    private final AtomicInteger admitted = new AtomicInteger();

    public ConnectionRegistry(EventLoopGroup workers) {
        for (EventExecutor loop : workers) {
            LoopConnections connections = new LoopConnections();
            loops.put(loop, connections);
            sweeps.add(loop.scheduleAtFixedRate(() -> connections.sweep(System.nanoTime()), SWEEP_NANOS, SWEEP_NANOS,
                    TimeUnit.NANOSECONDS));
        }
    }

    /** Called on the connection's loop when its channel becomes active. */
    void add(MqttConnection connection, EventExecutor loop) {
        of(loop).add(connection);
        open.incrementAndGet();
    }

    /** Called on the connection's loop when its channel closes; harmless for one never added. */
    void remove(MqttConnection connection, EventExecutor loop) {
        if (connection.slot >= 0) {
            of(loop).remove(connection);
            open.decrementAndGet();
        }
    }

    private LoopConnections of(EventExecutor loop) {
        LoopConnections connections = loops.get(loop);
        if (connections == null) {
            throw new IllegalStateException("connection on an event loop the registry does not know: " + loop);
        }
        return connections;
    }

    /** Counts a new socket; false when that takes the node over {@code max} (it is counted all the same). */
    public boolean admit(int max) {
        return admitted.incrementAndGet() <= max;
    }

    /** Uncounts a socket {@link #admit} counted. */
    void release() {
        admitted.decrementAndGet();
    }

    public int openConnections() {
        return open.get();
    }

    /** Starts a graceful close of every connection (MQTT 5 clients hear 0x8B) and waits up to {@code wait}. */
    public void shutdownAll(Duration wait) {
        loops.forEach((loop, connections) -> {
            if (!loop.isShuttingDown()) {
                loop.execute(() -> {
                    for (MqttConnection c : connections.snapshot()) {
                        c.shutdown();
                    }
                });
            }
        });
        long deadline = System.nanoTime() + wait.toNanos();
        while (open.get() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    @Override
    public void close() {
        sweeps.forEach(s -> s.cancel(false));
    }
}
