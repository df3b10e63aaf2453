package io.starling.broker.bootstrap;

import com.sun.management.UnixOperatingSystemMXBean;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.starling.broker.config.AccessRules;
import io.starling.broker.config.BrokerConfig;
import io.starling.broker.config.ListenerConfig;
import io.starling.broker.config.ListenerType;
import io.starling.broker.config.RateLimits;
import io.starling.broker.config.TrustedProxies;
import io.starling.broker.config.WarmupConfig;
import io.starling.broker.transport.EventLoops;
import io.starling.codec.MqttProperties;
import io.starling.codec.MqttVersion;
import io.starling.codec.PacketEncoder;
import io.starling.codec.packet.ConnectPacket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the connect path before the node takes its first client, so that the reconnect storm after a restart
 * meets compiled code: a fresh JVM spends most of its first ~40,000 connections in the JIT compiler (see
 * docs/benchmarks.md). The connections go to a throwaway node of the same configuration on a loopback port, with
 * its own sessions, hooks, statistics and storage in a temporary directory, so nothing of them reaches the real
 * node, its plugins or its clients. They come in rounds, a throwaway node each, and in batches that stay connected
 * until the batch is complete (so the per-thread tables grow as in a storm), in the shapes clients use: MQTT 3.1.1,
 * MQTT 5 with and without properties; one in four is dropped without a DISCONNECT.
 */
final class ConnectWarmup {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectWarmup.class);
    /** Connections in progress at once: enough to keep both sides busy. */
    private static final int CONCURRENT = 64;
    /** Connections held open at once: the most a default {@code ulimit -n} of 4096 leaves room for, twice. */
    private static final int BATCH = 1_500;
    /**
     * Each round has a throwaway node of its own: what a node meets only once (a table growing past any size it
     * had, a per-node thread-local's first use on each thread, a counter's first contention) then happens again to
     * compiled code, which the compiler mends during the warm-up instead of during the node's first storm.
     */
    private static final int ROUND = 10_000;
    private static final int MIN_ROUNDS = 3;
    /**
     * The second round holds this many at once where the file limit allows, so that the shared network threads'
     * channel tables (4,096 slots, half filled at most) grow too, and the rounds after it run what the compiler
     * made of that.
     */
    private static final int LARGE_BATCH = 6_000;
    /**
     * After a round in which the compiler finished more than this much work, another round follows (up to
     * {@code node.warmup_connections} and {@code node.warmup_max_time}): the compiler was still busy with code the
     * node's first storm would otherwise wait for.
     */
    private static final long QUIET_ROUND_MS = 100;
    private static final byte[] DISCONNECT = {(byte) 0xE0, 0};
    private static final MqttProperties TYPICAL_V5 = MqttProperties.builder().receiveMaximum(65_535)
            .maximumPacketSize(268_435_455L).topicAliasMaximum(10).build();

    private final BrokerConfig node;
    private final EventLoops loops;

    /** {@code loops}: the node's own network threads, which the throwaway node borrows and leaves running. */
    ConnectWarmup(BrokerConfig node, EventLoops loops) {
        this.node = node;
        this.loops = loops;
    }

    /** Warms up, then waits briefly for the compiler to finish what the warm-up queued. Never fails the start. */
    void run() {
        LOG.info("warming up the connect path: up to {} connections to throwaway nodes on a loopback port, with"
                + " their own sessions and temporary storage; the listeners accept when it is done"
                + " (node.warmup_connections)", node.warmup().connections());
        long started = System.nanoTime();
        Path dir;
        try {
            dir = Files.createTempDirectory("starling-warmup");
        } catch (IOException e) {
            LOG.warn("warm-up skipped: no temporary directory ({})", e.getMessage());
            return;
        }
        int total = node.warmup().connections();
        long deadline = started + node.warmup().maxTime().toNanos();
        int perRound = Math.min(ROUND, (total + MIN_ROUNDS - 1) / MIN_ROUNDS);
        JitActivity compiler = new JitActivity();
        int done = 0;
        int rounds = 0;
        try {
            boolean busy = true;
            while (done < total && (rounds < MIN_ROUNDS || busy) && System.nanoTime() < deadline) {
                int batch = rounds == 1 ? largeBatch() : BATCH;
                long compiled = compiler.time();
                int acknowledged;
                try (Starling throwaway = throwawayNode(dir.resolve("round-" + rounds))) {
                    acknowledged = connect(throwaway.port(), Math.min(perRound, total - done), batch, deadline);
                    awaitClosed(throwaway);
                }
                if (acknowledged == 0) {
                    LOG.warn("warm-up stopped early: the throwaway node answered none of a round's connections");
                    break;
                }
                done += acknowledged;
                long compiling = compiler.time() - compiled;
                busy = compiling > QUIET_ROUND_MS;
                rounds++;
                LOG.debug("warm-up round {}: {} connections, {} at once; {} ms in the compiler", rounds, perRound,
                        batch, compiling);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("warm-up stopped early: {}", e.toString());
        } finally {
            deleteTree(dir);
        }
        long connected = System.nanoTime();
        compiler.awaitQuiet(connected + TimeUnit.SECONDS.toNanos(3));
        LOG.info("warmed up the connect path: {} connections in {} rounds, {} ms, then {} ms for the compiler", done,
                rounds, (connected - started) / 1_000_000, (System.nanoTime() - connected) / 1_000_000);
    }

    /**
     * The node's own settings (storage type, limits, authentication), so the compiled code sees the paths the
     * node takes; anonymous access on so that the warm-up's clients get in. One plain listener on loopback that
     * accepts as the node's first TCP listener does, without its limits, access rules or PROXY protocol.
     */
    private Starling throwawayNode(Path dir) {
        ListenerConfig first = node.listeners().stream().filter(l -> l.type() == ListenerType.TCP).findFirst()
                .orElse(ListenerConfig.tcp("default", "127.0.0.1", 0));
        ListenerConfig loopback = new ListenerConfig(ListenerType.TCP, "warmup", "127.0.0.1", 0, first.acceptors(),
                1_000_000, first.reusePort(), RateLimits.NONE, AccessRules.ALLOW_ALL, false, Duration.ofSeconds(3),
                TrustedProxies.LOOPBACK, null, null);
        BrokerConfig config = node.withControlSocket("").withWarmup(WarmupConfig.OFF)
                .withAccessDefaults(true, node.authorizationNoMatchAllows()).withListeners(List.of(loopback));
        return Starling.builder().config(config).dataDir(dir).borrowing(loops).start();
    }

    /**
     * Connects the warm-up's clients one batch after another; returns how many got a CONNACK. The clients are plain
     * JDK sockets on this thread, not Netty channels: Netty's classes are the node's, and a client of them would
     * teach the compiler types the node never uses.
     */
    private static int connect(int port, int count, int batch, long deadline) throws IOException {
        try (Selector selector = Selector.open()) {
            Storm storm = new Storm(selector, new InetSocketAddress(InetAddress.getLoopbackAddress(), port), count,
                    batch);
            while (!storm.done() && System.nanoTime() < deadline) {
                storm.startBatch();
                while (storm.pending > 0 && System.nanoTime() < deadline) {
                    selector.select(100);
                    for (SelectionKey key : selector.selectedKeys()) {
                        storm.ready(key);
                    }
                    selector.selectedKeys().clear();
                    storm.connectMore();
                }
                storm.endBatch();
            }
            storm.closeAll();
            return storm.acknowledged;
        }
    }

    /** The warm-up's clients, on the warm-up's thread. */
    private static final class Storm {
        private static final int ID_DIGITS = 8;
        private final Selector selector;
        private final InetSocketAddress server;
        private final int total;
        private final int batch;
        /** One CONNECT per shape, its client id ending in {@value #ID_DIGITS} digits that each connection sets. */
        private final byte[][] templates;
        private final ByteBuffer readBuffer = ByteBuffer.allocate(256);
        private final List<SocketChannel> held = new ArrayList<>();
        private final List<SocketChannel> connecting = new ArrayList<>();
        int started;
        int batchEnd;
        /** Connections of this batch not yet answered or failed. */
        int pending;
        int acknowledged;
        int failures;

        Storm(Selector selector, InetSocketAddress server, int total, int batch) {
            this.selector = selector;
            this.server = server;
            this.total = total;
            this.batch = batch;
            String id = "starling-warmup-" + "0".repeat(ID_DIGITS);
            this.templates = new byte[][] {
                encode(new ConnectPacket(MqttVersion.MQTT_3_1_1, id, true, 60, null, null, null, MqttProperties.NONE)),
                encode(new ConnectPacket(MqttVersion.MQTT_5, id, true, 60, null, null, null, MqttProperties.NONE)),
                encode(new ConnectPacket(MqttVersion.MQTT_5, id, true, 60, null, null, null, TYPICAL_V5)),
            };
        }

        private static byte[] encode(ConnectPacket connect) {
            ByteBuf buf = PacketEncoder.encode(connect, connect.version(), UnpooledByteBufAllocator.DEFAULT);
            try {
                return ByteBufUtil.getBytes(buf);
            } finally {
                buf.release();
            }
        }

        boolean done() {
            return started >= total || failures > 100;
        }

        void startBatch() {
            batchEnd = Math.min(total, started + batch);
            pending = batchEnd - started;
            connectMore();
        }

        void connectMore() {
            while (started < batchEnd && connecting.size() < CONCURRENT) {
                int n = started++;
                try {
                    SocketChannel ch = SocketChannel.open();
                    ch.configureBlocking(false);
                    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    connecting.add(ch);
                    if (ch.connect(server)) {
                        sendConnect(ch, n);
                    } else {
                        ch.register(selector, SelectionKey.OP_CONNECT, n);
                    }
                } catch (IOException e) {
                    failed(null);
                }
            }
        }

        void ready(SelectionKey key) {
            SocketChannel ch = (SocketChannel) key.channel();
            if (!key.isValid()) {
                return;
            }
            try {
                if (key.isConnectable()) {
                    ch.finishConnect();
                    sendConnect(ch, (Integer) key.attachment());
                } else if (key.isReadable()) {
                    readBuffer.clear();
                    if (ch.read(readBuffer) < 0) {
                        failed(ch);
                        return;
                    }
                    key.interestOps(0);
                    connecting.remove(ch);
                    held.add(ch);
                    acknowledged++;
                    pending--;
                }
            } catch (IOException e) {
                failed(ch);
            }
        }

        private void sendConnect(SocketChannel ch, int n) throws IOException {
            byte[] packet = templates[n % templates.length].clone();
            for (int i = 1, v = n; i <= ID_DIGITS; i++, v /= 10) {
                packet[packet.length - i] = (byte) ('0' + v % 10);
            }
            ByteBuffer out = ByteBuffer.wrap(packet);
            while (out.hasRemaining()) {
                ch.write(out);
            }
            ch.register(selector, SelectionKey.OP_READ);
        }

        private void failed(SocketChannel ch) {
            failures++;
            pending--;
            if (ch != null) {
                connecting.remove(ch);
                close(ch);
            }
        }

        /** Every fourth connection of the batch is dropped; the others say DISCONNECT first. */
        void endBatch() {
            for (int i = 0; i < held.size(); i++) {
                SocketChannel ch = held.get(i);
                if ((i & 3) != 3) {
                    try {
                        ch.write(ByteBuffer.wrap(DISCONNECT));
                    } catch (IOException e) {
                        // closing anyway
                    }
                }
                close(ch);
            }
            held.clear();
        }

        void closeAll() {
            endBatch();
            connecting.forEach(Storm::close);
            connecting.clear();
        }

        private static void close(SocketChannel ch) {
            try {
                ch.close();
            } catch (IOException e) {
                // nothing left to release
            }
        }
    }

    /** {@link #LARGE_BATCH} if the file limit leaves room for both ends of each (with 1,000 to spare), else less. */
    private static int largeBatch() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean os) {
            long free = os.getMaxFileDescriptorCount() - os.getOpenFileDescriptorCount() - 1_000;
            return (int) Math.max(BATCH, Math.min(LARGE_BATCH, free / 2));
        }
        return BATCH;
    }

    /**
     * The clients are gone, but the throwaway node handles their closes on the shared loops a little later: its
     * storage and sessions must outlive that. The node's own listeners accept nothing yet, so every connection
     * still open is the warm-up's.
     */
    private static void awaitClosed(Starling throwaway) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (throwaway.metrics().connectionsOpen() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The JIT compiler's total time, where the JVM reports it (0 otherwise: the warm-up then runs its rounds only). */
    private static final class JitActivity {
        private final CompilationMXBean bean = ManagementFactory.getCompilationMXBean();
        private final boolean timed = bean != null && bean.isCompilationTimeMonitoringSupported();

        long time() {
            return timed ? bean.getTotalCompilationTime() : 0;
        }

        /** Waits until no compilation finishes for 300 ms: the queue the warm-up filled is done. */
        void awaitQuiet(long deadline) {
            long last = time();
            int quiet = 0;
            while (quiet < 3 && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                long now = time();
                quiet = now == last ? quiet + 1 : 0;
                last = now;
            }
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("could not remove {}: {}", dir, e.toString());
        }
    }
}
