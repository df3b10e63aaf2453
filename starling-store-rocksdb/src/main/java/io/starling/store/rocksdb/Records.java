package io.starling.store.rocksdb;

import io.starling.api.Message;
import io.starling.api.MessageProperties;
import io.starling.api.QoS;
import io.starling.api.UserProperty;
import io.starling.api.store.StorageException;
import io.starling.api.store.StoredDelayed;
import io.starling.api.store.StoredDelivery;
import io.starling.api.store.StoredSession;
import io.starling.api.store.StoredSubscription;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The stored form of messages, sessions and deliveries, and the keys they are stored under. Every value starts
 * with a format version, so that a later release can read what an earlier one wrote.
 */
final class Records {
    private static final int FORMAT = 1;

    private Records() {
    }

    // ---- keys ----

    /** The key prefix of one client id's rows: its length first, so that no client id is a prefix of another. */
    static byte[] clientPrefix(String clientId) {
        byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
        return new Bytes(2 + id.length + 8).u16(id.length).raw(id).toArray();
    }

    static byte[] queueKey(String clientId, long seq) {
        byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
        return new Bytes(2 + id.length + 8).u16(id.length).raw(id).i64(seq).toArray();
    }

    static byte[] inboundKey(String clientId, int packetId) {
        byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
        return new Bytes(2 + id.length + 2).u16(id.length).raw(id).u16(packetId).toArray();
    }

    /** The first key after every key that starts with {@code prefix} and is at most 8 bytes longer. */
    static byte[] prefixEnd(byte[] prefix) {
        byte[] end = new byte[prefix.length + 9];
        System.arraycopy(prefix, 0, end, 0, prefix.length);
        for (int i = prefix.length; i < end.length; i++) {
            end[i] = (byte) 0xFF;
        }
        return end;
    }

    static String clientIdOf(byte[] key) {
        int n = ((key[0] & 0xFF) << 8) | (key[1] & 0xFF);
        return new String(key, 2, n, StandardCharsets.UTF_8);
    }

    /** The queue index's value: the message's payload size, for the session's byte bound. */
    static byte[] queuedSize(int payloadBytes) {
        return new Bytes(4).i32(payloadBytes).toArray();
    }

    /** The payload size an index value holds; 0 for an index row written before sizes were kept (empty). */
    static int queuedSizeOf(byte[] indexValue) {
        if (indexValue.length < 4) {
            return 0;
        }
        return ((indexValue[0] & 0xFF) << 24) | ((indexValue[1] & 0xFF) << 16) | ((indexValue[2] & 0xFF) << 8)
                | (indexValue[3] & 0xFF);
    }

    static long seqOf(byte[] key) {
        long v = 0;
        for (int i = key.length - 8; i < key.length; i++) {
            v = (v << 8) | (key[i] & 0xFF);
        }
        return v;
    }

    static int packetIdOf(byte[] key) {
        return ((key[key.length - 2] & 0xFF) << 8) | (key[key.length - 1] & 0xFF);
    }

    // ---- delayed messages ----

    /** An id as a key that sorts as the number does. */
    static byte[] idKey(long id) {
        byte[] key = new byte[8];
        for (int i = 7; i >= 0; i--) {
            key[i] = (byte) id;
            id >>>= 8;
        }
        return key;
    }

    static byte[] delayed(StoredDelayed d) {
        Bytes b = new Bytes(72 + d.message().topic().length() + d.message().payload().length).u8(FORMAT)
                .i64(d.id()).i64(d.dueMillis());
        writeMessage(b, d.message());
        return b.toArray();
    }

    static StoredDelayed delayed(byte[] value) {
        Reader r = new Reader(value);
        version(r);
        long id = r.i64();
        long due = r.i64();
        return new StoredDelayed(id, due, readMessage(r));
    }

    // ---- messages ----

    static byte[] message(Message m) {
        Bytes b = new Bytes(64 + m.topic().length() + m.payload().length).u8(FORMAT);
        writeMessage(b, m);
        return b.toArray();
    }

    static Message message(byte[] value) {
        Reader r = new Reader(value);
        version(r);
        return readMessage(r);
    }

    private static void writeMessage(Bytes b, Message m) {
        b.string(m.topic()).blob(m.payload()).u8(m.qos().value()).u8(m.retain() ? 1 : 0)
                .string(m.publisherId()).i64(m.createdAtMillis());
        MessageProperties p = m.properties();
        int flags = (p.payloadFormatIndicator() != null ? 1 : 0) | (p.messageExpirySeconds() != null ? 2 : 0);
        b.u8(flags);
        if (p.payloadFormatIndicator() != null) {
            b.u8(p.payloadFormatIndicator());
        }
        if (p.messageExpirySeconds() != null) {
            b.i64(p.messageExpirySeconds());
        }
        b.string(p.contentType()).string(p.responseTopic()).blob(p.correlationData());
        b.i32(p.userProperties().size());
        for (UserProperty u : p.userProperties()) {
            b.string(u.name()).string(u.value());
        }
    }

    private static Message readMessage(Reader r) {
        String topic = r.string();
        byte[] payload = r.blob();
        QoS qos = QoS.of(r.u8());
        boolean retain = r.u8() == 1;
        String publisher = r.string();
        long created = r.i64();
        int flags = r.u8();
        Integer pfi = (flags & 1) != 0 ? r.u8() : null;
        Long expiry = (flags & 2) != 0 ? r.i64() : null;
        String contentType = r.string();
        String responseTopic = r.string();
        byte[] correlation = r.blob();
        int n = r.i32();
        List<UserProperty> users = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            users.add(new UserProperty(r.string(), r.string()));
        }
        MessageProperties props = pfi == null && expiry == null && contentType == null && responseTopic == null
                && correlation == null && users.isEmpty() ? MessageProperties.NONE
                : new MessageProperties(pfi, expiry, contentType, responseTopic, correlation, users);
        return new Message(topic, payload == null ? new byte[0] : payload, qos, retain, props, publisher, created);
    }

    // ---- deliveries ----

    static byte[] delivery(StoredDelivery d) {
        Message m = d.message();
        Bytes b = new Bytes(80 + m.topic().length() + m.payload().length).u8(FORMAT)
                .u8(d.qos().value()).u8(d.retain() ? 1 : 0).u16(d.packetId()).u8(d.pubrelSent() ? 1 : 0);
        b.i32(d.subscriptionIds().length);
        for (int id : d.subscriptionIds()) {
            b.i32(id);
        }
        writeMessage(b, m);
        return b.toArray();
    }

    /** An in-flight mark: the packet id, and whether PUBREL was sent (QoS 2 after PUBREC). */
    static byte[] inFlightMark(int packetId, boolean pubrelSent) {
        return new Bytes(4).u8(FORMAT).u16(packetId).u8(pubrelSent ? 1 : 0).toArray();
    }

    /** The packet id of a mark, negative when PUBREL was sent. */
    static int markValue(byte[] value) {
        Reader r = new Reader(value);
        version(r);
        int packetId = r.u16();
        return r.u8() == 1 ? -packetId : packetId;
    }

    static StoredDelivery delivery(long seq, byte[] value) {
        Reader r = new Reader(value);
        version(r);
        QoS qos = QoS.of(r.u8());
        boolean retain = r.u8() == 1;
        int packetId = r.u16();
        boolean pubrel = r.u8() == 1;
        int n = r.i32();
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = r.i32();
        }
        return new StoredDelivery(seq, readMessage(r), qos, retain, ids, packetId, pubrel);
    }

    // ---- sessions ----

    static byte[] session(StoredSession s) {
        Bytes b = new Bytes(128).u8(FORMAT).string(s.clientId()).i64(s.expiryIntervalSeconds())
                .i64(s.disconnectedAtMillis());
        b.i32(s.subscriptions().size());
        for (StoredSubscription sub : s.subscriptions()) {
            b.string(sub.topicFilter()).u8(sub.qos()).u8(sub.noLocal() ? 1 : 0).u8(sub.retainAsPublished() ? 1 : 0)
                    .u8(sub.retainHandling()).i32(sub.subscriptionIdentifier());
        }
        b.u8(s.will() == null ? 0 : 1);
        if (s.will() != null) {
            writeMessage(b, s.will());
            b.i64(s.willDelaySeconds());
        }
        // Appended: a record without it (an earlier release's) reads as an unknown owner.
        b.u8(s.owner() == null ? 0 : 1);
        if (s.owner() != null) {
            b.u8(s.owner().username() == null ? 0 : 1);
            if (s.owner().username() != null) {
                b.string(s.owner().username());
            }
            b.u8(s.owner().superuser() ? 1 : 0);
        }
        return b.toArray();
    }

    static StoredSession session(byte[] value) {
        Reader r = new Reader(value);
        version(r);
        String clientId = r.string();
        long expiry = r.i64();
        long disconnectedAt = r.i64();
        int n = r.i32();
        List<StoredSubscription> subs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            subs.add(new StoredSubscription(r.string(), r.u8(), r.u8() == 1, r.u8() == 1, r.u8(), r.i32()));
        }
        Message will = null;
        long willDelay = 0;
        if (r.u8() == 1) {
            will = readMessage(r);
            willDelay = r.i64();
        }
        StoredSession.Owner owner = null;
        if (r.hasMore() && r.u8() == 1) {
            String username = r.u8() == 1 ? r.string() : null;
            owner = new StoredSession.Owner(username, r.u8() == 1);
        }
        return new StoredSession(clientId, expiry, disconnectedAt, subs, will, willDelay, owner);
    }

    private static void version(Reader r) {
        int v = r.u8();
        if (v != FORMAT) {
            throw new StorageException("stored record has format " + v + "; this release reads format " + FORMAT);
        }
    }
}
