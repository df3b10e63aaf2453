package io.starling.cluster.session;

import io.starling.api.QoS;
import io.starling.api.store.StoredDelivery;
import io.starling.api.store.StoredSession;
import io.starling.api.store.StoredSubscription;
import io.starling.broker.session.SessionExport;
import io.starling.cluster.control.Wire;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The bodies of the directory's calls between nodes ({@link ClusterSessions}). Each starts with a version byte, so
 * that a later release can change a body and still read this one.
 */
final class SessionCodec {
    static final int VERSION = 1;

    private SessionCodec() {
    }

    /** A claim of a client id, to its owner: the lock, or its release; {@code token} is unique on the caller. */
    record LockCall(String clientId, long token) {
    }

    /** To every other node: hand over the session of the client id, for a CONNECT with that clean start. */
    record ExportCall(String clientId, boolean cleanStart, long epoch) {
    }

    @FunctionalInterface
    private interface Writer {
        void write(DataOutput out) throws IOException;
    }

    @FunctionalInterface
    interface Reader<T> {
        T read(DataInput in) throws IOException;
    }

    private static byte[] encode(Writer writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        DataOutputStream out = new DataOutputStream(bytes);
        try {
            out.writeByte(VERSION);
            writer.write(out);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    /** Reads a body; fails with what is wrong when it is not one this node can read. */
    static <T> T decode(byte[] body, Reader<T> reader) {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(body));
        try {
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IOException("a session call of version " + version + "; this node reads " + VERSION);
            }
            return reader.read(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("an unreadable session call: " + e.getMessage(), e);
        }
    }

    static byte[] lockCall(LockCall c) {
        return encode(out -> {
            Wire.writeString(out, c.clientId());
            out.writeLong(c.token());
        });
    }

    static LockCall readLockCall(DataInput in) throws IOException {
        return new LockCall(Wire.readString(in), in.readLong());
    }

    /** A route row: {@code node} has subscribers to {@code filter}. */
    record Row(String node, String filter) {
    }

    static byte[] rows(java.util.Collection<Row> rows) {
        return encode(out -> {
            out.writeInt(rows.size());
            for (Row r : rows) {
                Wire.writeString(out, r.node());
                Wire.writeString(out, r.filter());
            }
        });
    }

    static java.util.List<Row> readRows(DataInput in) throws IOException {
        int n = in.readInt();
        java.util.List<Row> rows = new java.util.ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
            rows.add(new Row(Wire.readString(in), Wire.readString(in)));
        }
        return rows;
    }

    static byte[] yes(boolean yes) {
        return encode(out -> out.writeBoolean(yes));
    }

    static boolean readYes(DataInput in) throws IOException {
        return in.readBoolean();
    }

    static byte[] epoch(long epoch) {
        return encode(out -> out.writeLong(epoch));
    }

    static long readEpoch(DataInput in) throws IOException {
        return in.readLong();
    }

    static byte[] exportCall(ExportCall c) {
        return encode(out -> {
            Wire.writeString(out, c.clientId());
            out.writeBoolean(c.cleanStart());
            out.writeLong(c.epoch());
        });
    }

    static ExportCall readExportCall(DataInput in) throws IOException {
        return new ExportCall(Wire.readString(in), in.readBoolean(), in.readLong());
    }

    /** The answer to an {@link ExportCall}: the session, or null when none moves. */
    static byte[] exported(SessionExport s) {
        return encode(out -> {
            out.writeBoolean(s != null);
            if (s != null) {
                writeSession(out, s);
            }
        });
    }

    static SessionExport readExported(DataInput in) throws IOException {
        return in.readBoolean() ? readSession(in) : null;
    }

    private static void writeSession(DataOutput out, SessionExport s) throws IOException {
        Wire.writeString(out, s.clientId());
        out.writeLong(s.expirySeconds());
        out.writeLong(s.lastSeenMillis());
        out.writeLong(s.epoch());
        out.writeBoolean(s.owner() != null);
        if (s.owner() != null) {
            Wire.writeString(out, s.owner().username());
            out.writeBoolean(s.owner().superuser());
        }
        out.writeInt(s.subscriptions().size());
        for (StoredSubscription sub : s.subscriptions()) {
            Wire.writeString(out, sub.topicFilter());
            out.writeByte(sub.qos());
            out.writeBoolean(sub.noLocal());
            out.writeBoolean(sub.retainAsPublished());
            out.writeByte(sub.retainHandling());
            out.writeInt(sub.subscriptionIdentifier());
        }
        writeDeliveries(out, s.inflight());
        writeDeliveries(out, s.queued());
        out.writeInt(s.inboundQos2().size());
        for (int id : s.inboundQos2()) {
            out.writeShort(id);
        }
    }

    private static SessionExport readSession(DataInput in) throws IOException {
        String clientId = Wire.readString(in);
        long expiry = in.readLong();
        long lastSeen = in.readLong();
        long epoch = in.readLong();
        StoredSession.Owner owner = in.readBoolean() ? new StoredSession.Owner(Wire.readString(in), in.readBoolean())
                : null;
        int n = Wire.count(in);
        List<StoredSubscription> subs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            subs.add(new StoredSubscription(Wire.readString(in), in.readByte(), in.readBoolean(), in.readBoolean(),
                    in.readByte(), in.readInt()));
        }
        List<StoredDelivery> inflight = readDeliveries(in);
        List<StoredDelivery> queued = readDeliveries(in);
        n = Wire.count(in);
        Set<Integer> inbound = new HashSet<>(n);
        for (int i = 0; i < n; i++) {
            inbound.add(in.readUnsignedShort());
        }
        return new SessionExport(clientId, expiry, lastSeen, epoch, owner, subs, inflight, queued, inbound);
    }

    private static void writeDeliveries(DataOutput out, List<StoredDelivery> deliveries) throws IOException {
        out.writeInt(deliveries.size());
        for (StoredDelivery d : deliveries) {
            Wire.writeMessage(out, d.message());
            out.writeByte(d.qos().value());
            out.writeBoolean(d.retain());
            out.writeInt(d.subscriptionIds().length);
            for (int id : d.subscriptionIds()) {
                out.writeInt(id);
            }
            out.writeShort(d.packetId());
            out.writeBoolean(d.pubrelSent());
        }
    }

    private static List<StoredDelivery> readDeliveries(DataInput in) throws IOException {
        int n = Wire.count(in);
        List<StoredDelivery> deliveries = new ArrayList<>(Math.min(n, 4096));
        for (int i = 0; i < n; i++) {
            io.starling.api.Message m = Wire.readMessage(in);
            QoS qos = QoS.of(in.readByte());
            boolean retain = in.readBoolean();
            int ids = Wire.count(in);
            int[] subscriptionIds = new int[ids];
            for (int j = 0; j < ids; j++) {
                subscriptionIds[j] = in.readInt();
            }
            // The sequence number is the old node's: the new one numbers what it stores itself.
            deliveries.add(new StoredDelivery(0, m, qos, retain, subscriptionIds, in.readUnsignedShort(),
                    in.readBoolean()));
        }
        return deliveries;
    }
}
