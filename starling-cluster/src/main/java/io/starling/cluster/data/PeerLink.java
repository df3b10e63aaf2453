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
import io.netty.handler.codec.LengthFieldPrepender;
import io.starling.api.Message;
import io.starling.cluster.membership.CookieToken;
import java.security.SecureRandom;
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

    /** One connection, its sequence and whether a flush is already on its way. */
    private static final class Slot {
        volatile Channel channel;
        final AtomicLong seq = new AtomicLong();
        final AtomicBoolean flushScheduled = new AtomicBoolean();
        boolean everConnected;
    }

    PeerLink(String peer, String host, int port, int links, long bufferBytes, EventLoopGroup loops, PeerStats stats,
            String clusterName, String selfName, long incarnation, String cookie) {
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
                        ch.pipeline().addLast(new LengthFieldPrepender(4));
                    }
                });
    }

    void open() {
        for (int i = 0; i < slots.length; i++) {
            connect(i);
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

    /** Hands a message to the link of its topic; false (and counted) when it had to be dropped. */
    boolean forward(Message message, String group, String groupFilter) {
        Slot slot = slots[(message.topic().hashCode() & Integer.MAX_VALUE) % slots.length];
        Channel ch = slot.channel;
        if (ch == null || !ch.isWritable()) {
            stats.dropped.increment();
            return false;
        }
        ByteBuf frame = DataFrames.forward(ch.alloc(), slot.seq.incrementAndGet(), message, group, groupFilter);
        stats.forwarded.increment();
        stats.forwardedBytes.add(frame.readableBytes());
        ch.write(frame, ch.voidPromise());
        // One flush for a burst: the writes queued before it run first on the link's loop. A write queued after
        // the flush task but before it clears the flag saw the flag set and scheduled nothing: the flush that
        // follows the clearing is queued after it, so that it does not wait for the next message.
        if (slot.flushScheduled.compareAndSet(false, true)) {
            ch.eventLoop().execute(() -> {
                slot.flushScheduled.set(false);
                ch.eventLoop().execute(ch::flush);
            });
        }
        return true;
    }

    @Override
    public void close() {
        closed = true;
        for (Slot s : slots) {
            Channel ch = s.channel;
            if (ch != null) {
                ch.close();
            }
        }
    }
}
