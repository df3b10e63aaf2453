package io.starling.store.rocksdb;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable byte array written front to back: the encoder of every stored record. */
final class Bytes {
    private byte[] buf;
    private int len;

    Bytes(int capacity) {
        buf = new byte[capacity];
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }

    Bytes u8(int v) {
        ensure(1);
        buf[len++] = (byte) v;
        return this;
    }

    Bytes u16(int v) {
        ensure(2);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
        return this;
    }

    Bytes i32(int v) {
        ensure(4);
        for (int shift = 24; shift >= 0; shift -= 8) {
            buf[len++] = (byte) (v >>> shift);
        }
        return this;
    }

    /** Big-endian, so that keys ending in a sequence number sort in its order. */
    Bytes i64(long v) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            buf[len++] = (byte) (v >>> shift);
        }
        return this;
    }

    Bytes raw(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
        return this;
    }

    /** Length (4 bytes) then the bytes; null is length -1. */
    Bytes blob(byte[] b) {
        if (b == null) {
            return i32(-1);
        }
        i32(b.length);
        return raw(b);
    }

    Bytes string(String s) {
        return blob(s == null ? null : s.getBytes(StandardCharsets.UTF_8));
    }

    byte[] toArray() {
        return len == buf.length ? buf : Arrays.copyOf(buf, len);
    }
}
