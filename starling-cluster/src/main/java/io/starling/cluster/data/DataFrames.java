package io.starling.cluster.data;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import io.starling.api.Message;
import io.starling.cluster.control.Wire;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The data plane's frames: a 4-byte length (added by the pipeline), a version byte, a type byte, the fields. A link
 * opens with HELLO, which proves the cookie; then FORWARD frames carry messages, each with the link's sequence
 * number (for deduplication once links resend).
 */
final class DataFrames {
    static final int VERSION = 1;
    static final int HELLO = 1;
    static final int FORWARD = 2;
    static final int CONFIRM = 3;
    private static final int SHARED = 1;
    /** The sender waits for a CONFIRM of this frame's sequence number once the receiver has stored the message. */
    private static final int WANTS_CONFIRM = 2;

    private DataFrames() {
    }

    /** A decoded FORWARD: the message, and the shared group the sending node chose this node for (or null). */
    record Forward(long seq, Message message, String group, String groupFilter, boolean wantsConfirm) {
    }

    /** A decoded HELLO. */
    record Hello(String cluster, String node, long incarnation, byte[] nonce, byte[] proof) {
    }

    static ByteBuf hello(ByteBufAllocator alloc, Hello h) {
        ByteBuf buf = alloc.buffer(128);
        try (ByteBufOutputStream out = new ByteBufOutputStream(buf)) {
            out.writeByte(VERSION);
            out.writeByte(HELLO);
            Wire.writeString(out, h.cluster());
            Wire.writeString(out, h.node());
            out.writeLong(h.incarnation());
            Wire.writeBytes(out, h.nonce());
            Wire.writeBytes(out, h.proof());
        } catch (IOException e) {
            buf.release();
            throw new UncheckedIOException(e);
        }
        return buf;
    }

    static ByteBuf forward(ByteBufAllocator alloc, long seq, Message m, String group, String groupFilter,
            boolean wantsConfirm) {
        ByteBuf buf = alloc.buffer(64 + m.topic().length() + m.payload().length);
        try (ByteBufOutputStream out = new ByteBufOutputStream(buf)) {
            out.writeByte(VERSION);
            out.writeByte(FORWARD);
            out.writeLong(seq);
            out.writeByte((group != null ? SHARED : 0) | (wantsConfirm ? WANTS_CONFIRM : 0));
            if (group != null) {
                Wire.writeString(out, group);
                Wire.writeString(out, groupFilter);
            }
            Wire.writeMessage(out, m);
        } catch (IOException e) {
            buf.release();
            throw new UncheckedIOException(e);
        }
        return buf;
    }

    /** The receiver took (or failed to store) the message of FORWARD {@code seq}. */
    static ByteBuf confirm(ByteBufAllocator alloc, long seq, boolean stored) {
        ByteBuf buf = alloc.buffer(11);
        buf.writeByte(VERSION).writeByte(CONFIRM).writeLong(seq).writeBoolean(stored);
        return buf;
    }

    /** The frame's type; the reader is left after the type byte. Throws on a version this node does not speak. */
    static int type(ByteBuf frame) throws IOException {
        int version = frame.readUnsignedByte();
        if (version != VERSION) {
            throw new IOException("data-plane frame version " + version + ", this node speaks " + VERSION);
        }
        return frame.readUnsignedByte();
    }

    static Hello readHello(ByteBuf frame) throws IOException {
        ByteBufInputStream in = new ByteBufInputStream(frame);
        return new Hello(Wire.readString(in), Wire.readString(in), in.readLong(), Wire.readBytes(in),
                Wire.readBytes(in));
    }

    static Forward readForward(ByteBuf frame) throws IOException {
        ByteBufInputStream in = new ByteBufInputStream(frame);
        long seq = in.readLong();
        int flags = in.readUnsignedByte();
        String group = null;
        String filter = null;
        if ((flags & SHARED) != 0) {
            group = Wire.readString(in);
            filter = Wire.readString(in);
        }
        try {
            return new Forward(seq, Wire.readMessage(in), group, filter, (flags & WANTS_CONFIRM) != 0);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
