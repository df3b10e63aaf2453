package io.starling.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The publishing side of one client: paces PUBLISH packets at a rate (or as fast as the socket and the
 * in-flight window allow), numbers them for the subscribers' loss count and tracks QoS 1/2 acknowledgements.
 * Runs only on its channel's event loop.
 */
final class PublishLoop {
    private static final int BURST = 64;

    private final int publisherNumber;
    private final byte[] topic;
    private final int qos;
    private final int payloadSize;
    private final boolean v5;
    private final double ratePerSecond;
    private final long limit;
    private final int maxInflight;
    private final BenchStats stats;
    /** Packet ids in use: a bit set (8 KB), since a run may hold tens of thousands of publishers. */
    private final java.util.BitSet idInUse = new java.util.BitSet(65536);
    private static final byte[] SEQUENCE_PLACEHOLDER = {'%', 's'};
    private static final int SEQUENCE_DIGITS = 8;
    /** Where the eight digits of the sequence number go in the topic, or -1. */
    private final int sequenceAt;
    private final boolean retain;
    private final int remainingLength;
    private final int packetBytes;

    private ChannelHandlerContext ctx;
    private int window;
    private int nextId;
    private int inflight;
    private long sequence;
    private long acked;
    private boolean running;
    private boolean pumpScheduled;
    private long startNanos;
    private ScheduledFuture<?> ticker;
    private OutstandingLimit outstanding;
    /** Set on the event loop once the limit is written and acknowledged; read by the thread that ends the run. */
    private volatile boolean finished;

    PublishLoop(int publisherNumber, byte[] topic, int qos, boolean retain, int payloadSize, boolean v5,
            double ratePerSecond, long limit, int maxInflight, BenchStats stats) {
        this.publisherNumber = publisherNumber;
        int s = indexOf(topic, SEQUENCE_PLACEHOLDER);
        if (s >= 0) {
            // "%s" becomes eight digits: every topic of the loop has the same length, so one header fits all.
            byte[] widened = new byte[topic.length - 2 + SEQUENCE_DIGITS];
            System.arraycopy(topic, 0, widened, 0, s);
            System.arraycopy(topic, s + 2, widened, s + SEQUENCE_DIGITS, topic.length - s - 2);
            topic = widened;
        }
        this.sequenceAt = s;
        this.topic = topic;
        this.qos = qos;
        this.retain = retain;
        this.payloadSize = Math.max(payloadSize, Probe.HEADER_BYTES);
        this.v5 = v5;
        this.ratePerSecond = ratePerSecond;
        this.limit = limit;
        this.maxInflight = maxInflight;
        this.stats = stats;
        this.remainingLength = 2 + topic.length + (qos > 0 ? 2 : 0) + (v5 ? 1 : 0) + this.payloadSize;
        this.packetBytes = 1 + varIntBytes(remainingLength) + remainingLength;
    }

    /** Closed loop: wait while the run has too many deliveries outstanding. */
    void limitOutstanding(OutstandingLimit limit) {
        this.outstanding = limit;
    }

    int publisherNumber() {
        return publisherNumber;
    }

    String topic() {
        return new String(topic, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Called on CONNACK with the broker's receive maximum (65535 when it sent none). */
    void attach(ChannelHandlerContext context, int serverReceiveMaximum) {
        this.ctx = context;
        this.window = Math.max(1, Math.min(maxInflight, serverReceiveMaximum));
    }

    void start() {
        ctx.executor().execute(() -> {
            running = true;
            startNanos = System.nanoTime();
            if (ratePerSecond > 0) {
                long period = Math.max(1_000_000L, (long) (1e9 / ratePerSecond));
                ticker = ctx.executor().scheduleAtFixedRate(this::tick, 0, period, TimeUnit.NANOSECONDS);
            } else {
                pump();
            }
        });
    }

    void stop() {
        if (ctx != null) {
            ctx.executor().execute(this::halt);
        }
    }

    void halt() {
        running = false;
        if (ticker != null) {
            ticker.cancel(false);
        }
    }

    /** True once a publisher with a {@code --limit} has written all its messages and has none in flight. */
    boolean finished() {
        return finished;
    }

    private void checkFinished() {
        if (limit > 0 && sequence >= limit && inflight == 0) {
            finished = true;
        }
    }

    /** Messages written so far; read after the event loop stopped. */
    long sent() {
        return sequence;
    }

    /** Messages the broker acknowledged (PUBACK, or PUBCOMP for QoS 2). */
    long acked() {
        return acked;
    }

    /** Frees window slots after acknowledgements or writability came back: called once per read batch. */
    void resume() {
        if (running && ratePerSecond <= 0 && !pumpScheduled) {
            pump();
        }
    }

    void onAck(int packetId) {
        if (idInUse.get(packetId)) {
            idInUse.clear(packetId);
            inflight--;
            acked++;
            stats.acked.increment();
            checkFinished();
        }
    }

    void onPubRec(int packetId, int reasonCode) {
        if (reasonCode >= 0x80) {
            if (idInUse.get(packetId)) {
                idInUse.clear(packetId);
                inflight--;
                stats.refused.increment();
                checkFinished();
            }
            stats.error("PUBREC refused with 0x" + Integer.toHexString(reasonCode));
            return;
        }
        ByteBuf rel = ctx.alloc().ioBuffer(4);
        rel.writeByte(0x62).writeByte(2).writeShort(packetId);
        ctx.write(rel, ctx.voidPromise());
    }

    void onPubAckRefused(int packetId, int reasonCode) {
        if (idInUse.get(packetId)) {
            idInUse.clear(packetId);
            inflight--;
            stats.refused.increment();
            checkFinished();
        }
        stats.error("PUBACK refused with 0x" + Integer.toHexString(reasonCode));
    }

    private void tick() {
        if (!running) {
            return;
        }
        long due = (long) ((System.nanoTime() - startNanos) * ratePerSecond / 1e9) + 1 - sequence;
        if (due > 0 && writeBatch((int) Math.min(due, 4 * BURST)) > 0) {
            ctx.flush();
        }
    }

    private void pump() {
        pumpScheduled = false;
        if (running && outstanding != null && !outstanding.allows()) {
            pumpScheduled = true;
            ctx.executor().schedule(this::pump, 100, TimeUnit.MICROSECONDS);
            return;
        }
        int written = ctx.channel().isWritable() ? writeBatch(BURST) : 0;
        if (written > 0) {
            ctx.flush();
        }
        if (written == BURST) {
            // Yield to reads (acknowledgements) before the next burst.
            pumpScheduled = true;
            ctx.executor().execute(this::pump);
        }
    }

    private boolean canSend() {
        return running && (limit <= 0 || sequence < limit) && (qos == 0 || inflight < window);
    }

    /** Encodes up to {@code max} PUBLISH packets into one buffer and writes it; returns how many. */
    private int writeBatch(int max) {
        ByteBuf batch = null;
        int n = 0;
        while (n < max && canSend()) {
            if (batch == null) {
                batch = ctx.alloc().ioBuffer(packetBytes * max);
            }
            encodeOne(batch);
            n++;
        }
        if (batch != null) {
            ctx.write(batch, ctx.voidPromise());
            stats.sent.add(n);
            checkFinished();
        }
        return n;
    }

    private void encodeOne(ByteBuf buf) {
        int packetId = 0;
        if (qos > 0) {
            packetId = allocateId();
            inflight++;
            stats.sentAwaitingAck.increment();
        }
        buf.writeByte(0x30 | qos << 1 | (retain ? 1 : 0));
        writeVarInt(buf, remainingLength);
        if (sequenceAt >= 0) {
            long n = sequence;
            for (int i = sequenceAt + SEQUENCE_DIGITS - 1; i >= sequenceAt; i--) {
                topic[i] = (byte) ('0' + n % 10);
                n /= 10;
            }
        }
        buf.writeShort(topic.length).writeBytes(topic);
        if (qos > 0) {
            buf.writeShort(packetId);
        }
        if (v5) {
            buf.writeByte(0);
        }
        Probe.write(buf, publisherNumber, sequence, payloadSize);
        sequence++;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (haystack[i] == needle[0] && haystack[i + 1] == needle[1]) {
                return i;
            }
        }
        return -1;
    }

    private int allocateId() {
        do {
            nextId = nextId == 65535 ? 1 : nextId + 1;
        } while (idInUse.get(nextId));
        idInUse.set(nextId);
        return nextId;
    }

    private static int varIntBytes(int value) {
        return value < 128 ? 1 : value < 16_384 ? 2 : value < 2_097_152 ? 3 : 4;
    }

    private static void writeVarInt(ByteBuf buf, int value) {
        do {
            int b = value & 0x7F;
            value >>>= 7;
            buf.writeByte(value > 0 ? b | 0x80 : b);
        } while (value > 0);
    }
}
