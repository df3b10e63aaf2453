package io.starling.bench.load;

import io.netty.buffer.ByteBuf;
import java.time.Instant;

/**
 * The header every generated payload starts with: a magic number, the publishing client's number, its
 * sequence number and the send time. Subscribers read it in place to count losses and duplicates and to
 * measure end-to-end latency, also when publisher and subscriber run in different processes.
 */
final class Probe {
    static final int MAGIC = 0x53424e31; // "SBN1"
    static final int HEADER_BYTES = 24;

    /** Microseconds since the epoch, from one reading of the wall clock advanced by the monotonic clock. */
    private static final long EPOCH_MICROS_AT_ORIGIN;
    private static final long NANOS_AT_ORIGIN;

    static {
        Instant now = Instant.now();
        NANOS_AT_ORIGIN = System.nanoTime();
        EPOCH_MICROS_AT_ORIGIN = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    private Probe() {
    }

    static long nowMicros() {
        return EPOCH_MICROS_AT_ORIGIN + (System.nanoTime() - NANOS_AT_ORIGIN) / 1_000;
    }

    /** Writes a payload of {@code size} bytes (at least the header) starting with the probe header. */
    static void write(ByteBuf out, int publisher, long sequence, int size) {
        out.writeInt(MAGIC).writeInt(publisher).writeLong(sequence).writeLong(nowMicros());
        if (size > HEADER_BYTES) {
            out.writeZero(size - HEADER_BYTES);
        }
    }

    static boolean present(ByteBuf buf, int index, int length) {
        return length >= HEADER_BYTES && buf.getInt(index) == MAGIC;
    }

    static int publisher(ByteBuf buf, int index) {
        return buf.getInt(index + 4);
    }

    static long sequence(ByteBuf buf, int index) {
        return buf.getLong(index + 8);
    }

    static long sentMicros(ByteBuf buf, int index) {
        return buf.getLong(index + 16);
    }
}
