package io.starling.cluster.data;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.util.concurrent.ScheduledFuture;
import io.starling.api.Message;
import io.starling.cluster.membership.CookieToken;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data-plane connections from this node to one other: {@code links} TCP connections, a topic always on the
 * same one so that its messages keep their order. Writing never blocks the publisher's thread: a message is
 * encoded there and handed to the link's event loop; while a link is down or more than its buffer waits to be
 * written, messages for that node are dropped and counted. A lost connection is made again every second while
 * the node is a member.
 */
final class PeerLink implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PeerLink.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String peer;
    private final String host;
    private final int port;
    private final Slot[] slots;
    private final Bootstrap bootstrap;
    private final PeerStats stats;
    private final DataFrames.Hello helloTemplate;
    private final String cookie;
    private volatile boolean closed;
    private final long confirmTimeoutNanos;
    private final long bufferBytes;
    /** Publishers paused because this link is behind, resumed once it caught up. */
    private final java.util.Queue<Runnable> drainWaiters = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainCheckScheduled = new AtomicBoolean();
    private ScheduledFuture<?> sweeper;

    /** One connection, its sequence, whether a flush is already on its way, and the confirmations it waits for. */
    private static final class Slot {
        volatile Channel channel;
        final AtomicLong seq = new AtomicLong();
        /** Frames encoded on publishers' threads, written and flushed in one task on the link's loop. */
        final java.util.Queue<ByteBuf> outbox = new java.util.concurrent.ConcurrentLinkedQueue<>();
        final AtomicLong outboxBytes = new AtomicLong();
        final AtomicBoolean drainScheduled = new AtomicBoolean();
        final Map<Long, Waiting> waiting = new ConcurrentHashMap<>();
        boolean everConnected;

        void failAll(String why) {
            for (Long seq : List.copyOf(waiting.keySet())) {
                Waiting w = waiting.remove(seq);
                if (w != null) {
                    w.confirmation.completeExceptionally(new IllegalStateException(why));
                }
            }
        }
    }

    private record Waiting(CompletableFuture<Void> confirmation, long deadlineNanos) {
    }

    PeerLink(String peer, String host, int port, int links, long bufferBytes, EventLoopGroup loops, PeerStats stats,
            String clusterName, String selfName, long incarnation, String cookie, Duration confirmTimeout,
            io.netty.handler.ssl.SslContext tls) {
        this.confirmTimeoutNanos = confirmTimeout.toNanos();
        this.bufferBytes = bufferBytes;
        this.peer = peer;
        this.host = host;
        this.port = port;
        this.stats = stats;
        this.cookie = cookie;
        this.helloTemplate = new DataFrames.Hello(clusterName, selfName, incarnation, null, null);
        this.slots = new Slot[links];
        for (int i = 0; i < links; i++) {
            slots[i] = new Slot();
        }
        int high = (int) Math.min(Integer.MAX_VALUE, Math.max(64 * 1024, bufferBytes));
        this.bootstrap = new Bootstrap().group(loops).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 3_000)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(high / 2, high))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc(), host, port));
                        }
                        ch.pipeline().addLast(new LengthFieldPrepender(4),
                                new LengthFieldBasedFrameDecoder(1024, 0, 4, 0, 4), new Confirms());
                    }
                });
    }

    void open() {
        for (int i = 0; i < slots.length; i++) {
            connect(i);
        }
        sweeper = bootstrap.config().group().scheduleWithFixedDelay(this::expireConfirmations, 200, 200,
                TimeUnit.MILLISECONDS);
    }

    /** Fails the confirmations that waited longer than cluster.forward_timeout: the publisher is not told "taken". */
    private void expireConfirmations() {
        long now = System.nanoTime();
        for (Slot slot : slots) {
            slot.waiting.entrySet().removeIf(e -> {
                if (now - e.getValue().deadlineNanos > 0) {
                    stats.unconfirmed.increment();
                    e.getValue().confirmation.completeExceptionally(new TimeoutException(peer
                            + " did not confirm a forwarded message within cluster.forward_timeout"));
                    return true;
                }
                return false;
            });
        }
    }

    /** CONFIRM frames coming back on a link. */
    private final class Confirms extends SimpleChannelInboundHandler<ByteBuf> {
        private Slot slot;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) throws Exception {
            if (DataFrames.type(frame) != DataFrames.CONFIRM) {
                return;
            }
            long seq = frame.readLong();
            boolean stored = frame.readBoolean();
            if (slot == null) {
                for (Slot s : slots) {
                    if (s.channel == ctx.channel()) {
                        slot = s;
                    }
                }
            }
            Waiting w = slot == null ? null : slot.waiting.remove(seq);
            if (w != null) {
                if (stored) {
                    w.confirmation.complete(null);
                } else {
                    w.confirmation.completeExceptionally(new IllegalStateException(peer
                            + " could not store a forwarded message"));
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.warn("data link to {}: {}", peer, cause.toString());
            ctx.close();
        }
    }

    private void connect(int index) {
        if (closed) {
            return;
        }
        Slot slot = slots[index];
        ChannelFuture f = bootstrap.connect(host, port);
        f.addListener(done -> {
            if (!done.isSuccess()) {
                LOG.debug("data link {} to {} at {}:{} not up: {}", index, peer, host, port, done.cause().toString());
                retry(index);
                return;
            }
            Channel ch = f.channel();
            byte[] nonce = new byte[16];
            RANDOM.nextBytes(nonce);
            ch.writeAndFlush(DataFrames.hello(ch.alloc(), new DataFrames.Hello(helloTemplate.cluster(),
                    helloTemplate.node(), helloTemplate.incarnation(), nonce, CookieToken.proof(cookie,
                            proofText(helloTemplate.cluster(), helloTemplate.node(), nonce)))));
            if (slot.everConnected) {
                stats.reconnects.increment();
            }
            slot.everConnected = true;
            slot.channel = ch;
            ch.closeFuture().addListener(c -> {
                slot.channel = null;
                ByteBuf unsent;
                while ((unsent = slot.outbox.poll()) != null) {
                    slot.outboxBytes.addAndGet(-unsent.readableBytes());
                    unsent.release();
                    stats.dropped.increment();
                }
                slot.failAll("the data link to " + peer + " was lost before it confirmed");
                if (!closed) {
                    LOG.info("data link {} to {} lost; connecting again", index, peer);
                    retry(index);
                }
            });
            if (closed) {
                ch.close();
            }
        });
    }

    private void retry(int index) {
        if (!closed) {
            bootstrap.config().group().schedule(() -> connect(index), 1, TimeUnit.SECONDS);
        }
    }

    /**
     * Whether a link has more than half its buffer waiting: publishers should pause (as for a slow local subscriber)
     * before messages have to be dropped at the full buffer.
     */
    boolean congested() {
        long half = bufferBytes / 2;
        for (Slot s : slots) {
            Channel ch = s.channel;
            if (ch != null && (ch.bytesBeforeUnwritable() < half || s.outboxBytes.get() > half)) {
                return true;
            }
        }
        return false;
    }

    /** Runs {@code resume} once no link is congested (checked every millisecond while someone waits). */
    void whenDrained(Runnable resume) {
        if (closed || !congested()) {
            resume.run();
            return;
        }
        drainWaiters.add(resume);
        scheduleDrainCheck();
    }

    private void scheduleDrainCheck() {
        if (drainCheckScheduled.compareAndSet(false, true)) {
            bootstrap.config().group().schedule(this::checkDrained, 1, TimeUnit.MILLISECONDS);
        }
    }

    private void checkDrained() {
        drainCheckScheduled.set(false);
        if (closed || !congested()) {
            Runnable r;
            while ((r = drainWaiters.poll()) != null) {
                r.run();
            }
        } else if (!drainWaiters.isEmpty()) {
            scheduleDrainCheck();
        }
    }

    /** What a HELLO's HMAC covers. */
    static String proofText(String cluster, String node, byte[] nonce) {
        return "starling-data:" + cluster + ":" + node + ":" + HexFormat.of().formatHex(nonce);
    }

    /** Whether every link is connected. */
    boolean up() {
        for (Slot s : slots) {
            Channel ch = s.channel;
            if (ch == null || !ch.isActive()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Hands a message to the link of its topic; false (and counted) when it had to be dropped. With a
     * {@code confirmation}, the receiver confirms once it has stored the message, and the confirmation fails when it
     * cannot, the link is lost first or it takes longer than cluster.forward_timeout.
     */
    boolean forward(Message message, String group, String groupFilter, CompletableFuture<Void> confirmation) {
        Slot slot = slots[(message.topic().hashCode() & Integer.MAX_VALUE) % slots.length];
        Channel ch = slot.channel;
        if (ch == null || !ch.isWritable() || slot.outboxBytes.get() > bufferBytes) {
            stats.dropped.increment();
            if (confirmation != null) {
                confirmation.completeExceptionally(new IllegalStateException("the data link to " + peer
                        + (ch == null ? " is down" : " is full")));
            }
            return false;
        }
        long seq = slot.seq.incrementAndGet();
        if (confirmation != null) {
            slot.waiting.put(seq, new Waiting(confirmation, System.nanoTime() + confirmTimeoutNanos));
        }
        ByteBuf frame = DataFrames.forward(ch.alloc(), seq, message, group, groupFilter, confirmation != null);
        int size = frame.readableBytes();
        stats.forwarded.increment();
        stats.forwardedBytes.add(size);
        slot.outboxBytes.addAndGet(size);
        slot.outbox.add(frame);
        // One task writes and flushes a burst. The flag is cleared before the queue is drained, so a frame added
        // after the drain began either is drained by it or schedules the next one.
        if (slot.drainScheduled.compareAndSet(false, true)) {
            ch.eventLoop().execute(() -> drain(slot, ch));
        }
        return true;
    }

    private static void drain(Slot slot, Channel ch) {
        slot.drainScheduled.set(false);
        ByteBuf frame;
        while ((frame = slot.outbox.poll()) != null) {
            slot.outboxBytes.addAndGet(-frame.readableBytes());
            ch.write(frame, ch.voidPromise());
        }
        ch.flush();
    }

    @Override
    public void close() {
        closed = true;
        if (sweeper != null) {
            sweeper.cancel(false);
        }
        for (Slot s : slots) {
            Channel ch = s.channel;
            if (ch != null) {
                ch.close();
            }
            s.failAll(peer + " left the cluster before it confirmed");
        }
        Runnable r;
        while ((r = drainWaiters.poll()) != null) {
            r.run();
        }
    }
}
