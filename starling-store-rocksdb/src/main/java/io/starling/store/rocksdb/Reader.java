package io.starling.store.rocksdb;

import io.starling.api.store.StorageException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Reads what {@link Bytes} wrote; a record cut short fails with a {@link StorageException}. */
final class Reader {
    private final byte[] buf;
    private int pos;

    Reader(byte[] buf) {
        this.buf = buf;
    }

    private void need(int n) {
        if (pos + n > buf.length) {
            throw new StorageException("stored record is truncated (" + buf.length + " bytes)");
        }
    }

    /** Whether anything is left to read: a field appended by a later release may be absent. */
    boolean hasMore() {
        return pos < buf.length;
    }

    int u8() {
        need(1);
        return buf[pos++] & 0xFF;
    }

    int u16() {
        need(2);
        return ((buf[pos++] & 0xFF) << 8) | (buf[pos++] & 0xFF);
    }

    int i32() {
        need(4);
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v = (v << 8) | (buf[pos++] & 0xFF);
        }
        return v;
    }

    long i64() {
        need(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (buf[pos++] & 0xFF);
        }
        return v;
    }

    byte[] blob() {
        int n = i32();
        if (n < 0) {
            return null;
        }
        need(n);
        byte[] b = Arrays.copyOfRange(buf, pos, pos + n);
        pos += n;
        return b;
    }

    String string() {
        byte[] b = blob();
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }
}
