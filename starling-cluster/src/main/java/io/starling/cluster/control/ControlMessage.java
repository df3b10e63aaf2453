package io.starling.cluster.control;

import io.starling.api.Message;
import java.util.List;

/**
 * What nodes tell each other over the control channel (JGroups): who they are, their route rows and retained
 * changes. Each type has a number on the wire ({@link ControlCodec}); a node ignores types it does not know, so a
 * newer node can add some.
 */
public sealed interface ControlMessage {

    /**
     * A node introduces itself to the others when it meets them, and repeats it as its status.
     *
     * @param incarnation random per start: rows of an earlier incarnation are stale
     * @param protocol    the version of these messages the node speaks
     */
    record Hello(String node, long incarnation, int protocol, String version, String dataHost, int dataPort,
            long startedMillis, int connections) implements ControlMessage {
    }

    /** A change of one of the sender's rows: a filter, or a shared group's filter when {@code group} is set. */
    record RouteOp(boolean add, String group, String filter) {
    }

    /** The sender's row changes since its last delta, numbered so that a receiver sees a gap. */
    record RouteDelta(long incarnation, long seq, List<RouteOp> ops) implements ControlMessage {
        public RouteDelta {
            ops = List.copyOf(ops);
        }
    }

    /** Every row of the sender as of {@code seq}: sent to a node it meets and on request. */
    record RouteSnapshot(long incarnation, long seq, List<RouteOp> rows) implements ControlMessage {
        public RouteSnapshot {
            rows = List.copyOf(rows);
        }
    }

    /** The receiver saw a gap in the sender's deltas and asks for its snapshot. */
    record RouteResync() implements ControlMessage {
    }

    /** One retained topic's state at time {@code hlc} (by {@code origin}); {@code message} null: removed. */
    record RetainedChange(String topic, long hlc, String origin, Message message) {
    }

    /** Retained changes: as they happen, and in chunks as a snapshot to a node met. */
    record RetainedChanges(List<RetainedChange> changes) implements ControlMessage {
        public RetainedChanges {
            changes = List.copyOf(changes);
        }
    }

    /** A call to one handler of the receiver ({@link io.starling.cluster.ClusterRpc}); the body is the handler's. */
    record Request(long id, String kind, byte[] body) implements ControlMessage {
    }

    /** The answer to a {@link Request}: the handler's bytes, or why it failed. */
    record Response(long id, byte[] body, String error) implements ControlMessage {
    }
}
