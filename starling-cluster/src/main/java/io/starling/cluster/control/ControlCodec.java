package io.starling.cluster.control;

import io.starling.cluster.control.ControlMessage.Hello;
import io.starling.cluster.control.ControlMessage.RetainedChange;
import io.starling.cluster.control.ControlMessage.RetainedChanges;
import io.starling.cluster.control.ControlMessage.RouteDelta;
import io.starling.cluster.control.ControlMessage.RouteOp;
import io.starling.cluster.control.ControlMessage.RouteResync;
import io.starling.cluster.control.ControlMessage.RouteSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Control messages as bytes: a version byte, a type byte, then the fields. A message of a version or type this node
 * does not speak decodes to null and is ignored (logged by the caller), never fails the node.
 */
public final class ControlCodec {
    /** The version of the control messages this node writes and reads. */
    public static final int VERSION = 1;

    private static final int HELLO = 1;
    private static final int ROUTE_DELTA = 2;
    private static final int ROUTE_SNAPSHOT = 3;
    private static final int ROUTE_RESYNC = 4;
    private static final int RETAINED = 5;
    private static final int REQUEST = 6;
    private static final int RESPONSE = 7;

    private ControlCodec() {
    }

    public static byte[] encode(ControlMessage m) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        DataOutputStream out = new DataOutputStream(bytes);
        try {
            out.writeByte(VERSION);
            if (m instanceof Hello h) {
                out.writeByte(HELLO);
                Wire.writeString(out, h.node());
                out.writeLong(h.incarnation());
                out.writeInt(h.protocol());
                Wire.writeString(out, h.version());
                Wire.writeString(out, h.dataHost());
                out.writeInt(h.dataPort());
                out.writeLong(h.startedMillis());
                out.writeInt(h.connections());
            } else if (m instanceof RouteDelta d) {
                out.writeByte(ROUTE_DELTA);
                out.writeLong(d.incarnation());
                out.writeLong(d.seq());
                writeOps(out, d.ops());
            } else if (m instanceof RouteSnapshot s) {
                out.writeByte(ROUTE_SNAPSHOT);
                out.writeLong(s.incarnation());
                out.writeLong(s.seq());
                writeOps(out, s.rows());
            } else if (m instanceof RouteResync) {
                out.writeByte(ROUTE_RESYNC);
            } else if (m instanceof ControlMessage.Request r) {
                out.writeByte(REQUEST);
                out.writeLong(r.id());
                Wire.writeString(out, r.kind());
                Wire.writeBytes(out, r.body());
            } else if (m instanceof ControlMessage.Response r) {
                out.writeByte(RESPONSE);
                out.writeLong(r.id());
                Wire.writeBytes(out, r.body());
                Wire.writeString(out, r.error());
            } else if (m instanceof RetainedChanges r) {
                out.writeByte(RETAINED);
                out.writeInt(r.changes().size());
                for (RetainedChange c : r.changes()) {
                    Wire.writeString(out, c.topic());
                    out.writeLong(c.hlc());
                    Wire.writeString(out, c.origin());
                    out.writeBoolean(c.message() != null);
                    if (c.message() != null) {
                        Wire.writeMessage(out, c.message());
                    }
                }
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The message, or null when its version or type is not one this node speaks. */
    public static ControlMessage decode(byte[] bytes, int offset, int length) throws IOException {
        DataInput in = new DataInputStream(new java.io.ByteArrayInputStream(bytes, offset, length));
        int version = in.readUnsignedByte();
        if (version != VERSION) {
            return null;
        }
        int type = in.readUnsignedByte();
        try {
            return switch (type) {
                case HELLO -> new Hello(Wire.readString(in), in.readLong(), in.readInt(), Wire.readString(in),
                        Wire.readString(in), in.readInt(), in.readLong(), in.readInt());
                case ROUTE_DELTA -> new RouteDelta(in.readLong(), in.readLong(), readOps(in));
                case ROUTE_SNAPSHOT -> new RouteSnapshot(in.readLong(), in.readLong(), readOps(in));
                case ROUTE_RESYNC -> new RouteResync();
                case RETAINED -> readRetained(in);
                case REQUEST -> new ControlMessage.Request(in.readLong(), java.util.Objects.requireNonNull(
                        Wire.readString(in)), Wire.readBytes(in));
                case RESPONSE -> new ControlMessage.Response(in.readLong(), Wire.readBytes(in), Wire.readString(in));
                default -> null;
            };
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IOException("a malformed control message of type " + type + ": " + e.getMessage(), e);
        }
    }

    private static void writeOps(DataOutput out, List<RouteOp> ops) throws IOException {
        out.writeInt(ops.size());
        for (RouteOp op : ops) {
            out.writeBoolean(op.add());
            Wire.writeString(out, op.group());
            Wire.writeString(out, op.filter());
        }
    }

    private static List<RouteOp> readOps(DataInput in) throws IOException {
        int n = Wire.count(in);
        List<RouteOp> ops = new ArrayList<>(Math.min(n, 4096));
        for (int i = 0; i < n; i++) {
            ops.add(new RouteOp(in.readBoolean(), Wire.readString(in), java.util.Objects.requireNonNull(
                    Wire.readString(in))));
        }
        return ops;
    }

    private static RetainedChanges readRetained(DataInput in) throws IOException {
        int n = Wire.count(in);
        List<RetainedChange> changes = new ArrayList<>(Math.min(n, 4096));
        for (int i = 0; i < n; i++) {
            String topic = java.util.Objects.requireNonNull(Wire.readString(in));
            long hlc = in.readLong();
            String origin = Wire.readString(in);
            changes.add(new RetainedChange(topic, hlc, origin, in.readBoolean() ? Wire.readMessage(in) : null));
        }
        return new RetainedChanges(changes);
    }
}
