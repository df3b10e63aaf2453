package io.starling.bench.load;

import io.starling.codec.packet.TopicSubscription;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLException;

/** One run of the tool: its connector, its clients, the paced connecting and the live line. */
final class LoadRun implements AutoCloseable {

    /** Builds client {@code number} of a group with the id it was given. */
    interface ClientFactory {
        BenchClient create(int number, String clientId, BenchClient.Lifecycle lifecycle);
    }

    /** How long connecting may take before the clients still pending count as stuck. */
    private static final long SETTLE_SECONDS = 60;

    private final ConnectionOptions options;
    private final BenchStats stats = new BenchStats();
    private final Connector connector;
    private final List<BenchClient> clients = new ArrayList<>();
    private final ScheduledExecutorService ticker;
    private final PrintStream live;
    private final long startNanos = System.nanoTime();
    private final ProcessProbe self = ProcessProbe.self();
    private BenchStats.Snapshot lastTick = stats.snapshot();
    private long lastTickCpu = self.cpuNanos();
    private long lastTickSteal = HostSteal.nanos();
    private long firstConnectMicros;

    LoadRun(ConnectionOptions options, PrintStream live) throws SSLException {
        this.options = options;
        this.connector = options.connector();
        this.live = live;
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-report");
            t.setDaemon(true);
            return t;
        });
        if (live != null) {
            ticker.scheduleAtFixedRate(this::printLine, 1, 1, TimeUnit.SECONDS);
        }
    }

    BenchStats stats() {
        return stats;
    }

    ConnectionOptions options() {
        return options;
    }

    String transportName() {
        return connector.transportName();
    }

    boolean webSocket() {
        return connector.usesWebSocket();
    }

    List<BenchClient> clients() {
        return clients;
    }

    long firstConnectMicros() {
        return firstConnectMicros;
    }

    /**
     * Connects {@code count} clients paced by the interval and the pending limit, then waits until each is
     * ready or failed. Returns the ones that became ready.
     */
    List<BenchClient> connect(String role, int count, ClientFactory factory) throws InterruptedException {
        return connect(role, count, 0, factory);
    }

    /** As {@link #connect(String, int, ClientFactory)}, to {@code port} when it is not 0 (another cluster node). */
    List<BenchClient> connect(String role, int count, int port, ClientFactory factory) throws InterruptedException {
        Semaphore pending = new Semaphore(Math.max(1, options.maxPending));
        CountDownLatch settled = new CountDownLatch(count);
        List<BenchClient> ready = new ArrayList<>();
        AtomicInteger failures = new AtomicInteger();
        BenchClient.Lifecycle lifecycle = new BenchClient.Lifecycle() {
            @Override
            public void ready(BenchClient client) {
                synchronized (ready) {
                    ready.add(client);
                }
                pending.release();
                settled.countDown();
            }

            @Override
            public void failed(BenchClient client, String why) {
                stats.error(why);
                if (failures.incrementAndGet() <= 5) {
                    System.err.println("client failed: " + why);
                }
                pending.release();
                settled.countDown();
            }
        };
        long intervalNanos = (long) (options.intervalMillis * 1_000_000);
        long start = System.nanoTime();
        if (firstConnectMicros == 0) {
            firstConnectMicros = Probe.nowMicros();
        }
        for (int i = 0; i < count; i++) {
            int number = options.startNumber + i;
            BenchClient client = factory.create(number, options.clientId(role, number), lifecycle);
            clients.add(client);
            long due = start + i * intervalNanos;
            while (intervalNanos > 0 && System.nanoTime() < due) {
                LockSupport.parkNanos(due - System.nanoTime());
            }
            if (!pending.tryAcquire(SETTLE_SECONDS, TimeUnit.SECONDS)) {
                // The broker took the sockets but answers no CONNECT: connecting more would wait forever.
                System.err.println("gave up waiting: " + options.maxPending + " " + role + " clients pending for "
                        + SETTLE_SECONDS + " s; " + (count - i) + " not started");
                for (int j = i; j < count; j++) {
                    settled.countDown();
                }
                break;
            }
            if (port > 0) {
                connector.connect(i, client, port);
            } else {
                connector.connect(i, client);
            }
        }
        if (!settled.await(SETTLE_SECONDS, TimeUnit.SECONDS)) {
            System.err.println("gave up waiting: " + settled.getCount() + " " + role + " clients neither ready nor failed");
        }
        synchronized (ready) {
            return List.copyOf(ready);
        }
    }

    static List<TopicSubscription> subscriptions(String filter, int qos) {
        return filter == null ? List.of() : List.of(TopicSubscription.of(filter, qos));
    }

    private void printLine() {
        BenchStats.Snapshot now = stats.snapshot();
        long cpu = self.cpuNanos();
        long steal = HostSteal.nanos();
        double seconds = (now.atNanos() - lastTick.atNanos()) / 1e9;
        live.printf("%7.1fs conns=%d (+%.0f/s) pub/s=%,.0f recv/s=%,.0f inflight=%d err=%d cpu=%.0f%% steal=%.1f%%%n",
                (now.atNanos() - startNanos) / 1e9, stats.connected.get(),
                (now.connects() - lastTick.connects()) / seconds, (now.sent() - lastTick.sent()) / seconds,
                (now.received() - lastTick.received()) / seconds, stats.inflight(), now.errors(),
                100.0 * (cpu - lastTickCpu) / (now.atNanos() - lastTick.atNanos()),
                Math.max(0, HostSteal.percent(lastTickSteal, steal, now.atNanos() - lastTick.atNanos())));
        lastTick = now;
        lastTickCpu = cpu;
        lastTickSteal = steal;
    }

    /** Disconnects every client and waits briefly for the sockets to close. */
    void disconnectAll() {
        clients.forEach(BenchClient::disconnect);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (stats.connected.get() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    /** Stops the event loops: what the clients recorded is safe to read afterwards. */
    void stopIo() {
        connector.close();
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        connector.close();
    }
}
