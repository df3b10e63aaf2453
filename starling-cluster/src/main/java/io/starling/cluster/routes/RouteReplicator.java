package io.starling.cluster.routes;

import io.starling.broker.routing.LocalRoutes;
import io.starling.broker.routing.RouteObserver;
import io.starling.cluster.control.ControlMessage.RouteDelta;
import io.starling.cluster.control.ControlMessage.RouteOp;
import io.starling.cluster.control.ControlMessage.RouteSnapshot;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * This node's rows: told by the router of every filter and shared group it starts or stops holding, it batches
 * the changes into numbered deltas (sent by the cluster thread every few milliseconds, or at once past
 * {@link #MAX_BATCH} changes) and answers snapshots consistent with the numbering.
 */
public final class RouteReplicator implements RouteObserver {
    /** A delta holds at most this many changes. */
    public static final int MAX_BATCH = 1000;

    private final long incarnation;
    private final Set<RouteOp> rows = new HashSet<>();
    private List<RouteOp> pending = new ArrayList<>();
    private long seq;

    public RouteReplicator(long incarnation) {
        this.incarnation = incarnation;
    }

    /** Starts from what the router holds now (it calls this object for every change after). */
    public synchronized void start(LocalRoutes current) {
        current.filters().forEach(f -> rows.add(new RouteOp(true, null, f)));
        current.shared().forEach(s -> rows.add(new RouteOp(true, s.group(), s.topicFilter())));
    }

    @Override
    public void filterAdded(String topicFilter) {
        change(new RouteOp(true, null, topicFilter));
    }

    @Override
    public void filterRemoved(String topicFilter) {
        change(new RouteOp(false, null, topicFilter));
    }

    @Override
    public void sharedAdded(String group, String topicFilter) {
        change(new RouteOp(true, group, topicFilter));
    }

    @Override
    public void sharedRemoved(String group, String topicFilter) {
        change(new RouteOp(false, group, topicFilter));
    }

    private synchronized void change(RouteOp op) {
        RouteOp row = new RouteOp(true, op.group(), op.filter());
        if (op.add()) {
            rows.add(row);
        } else {
            rows.remove(row);
        }
        pending.add(op);
    }

    /** Whether changes wait, and how many. */
    public synchronized int pending() {
        return pending.size();
    }

    /** The changes since the last delta, numbered; null when there are none. */
    public synchronized RouteDelta nextDelta() {
        if (pending.isEmpty()) {
            return null;
        }
        List<RouteOp> batch;
        if (pending.size() <= MAX_BATCH) {
            batch = pending;
            pending = new ArrayList<>();
        } else {
            batch = new ArrayList<>(pending.subList(0, MAX_BATCH));
            pending = new ArrayList<>(pending.subList(MAX_BATCH, pending.size()));
        }
        return new RouteDelta(incarnation, ++seq, batch);
    }

    /**
     * Every row as of the last delta handed out. Changes not yet in a delta are left out of the snapshot and come
     * in the next delta, so a receiver that applies the snapshot and then deltas after its number misses nothing.
     */
    public synchronized RouteSnapshot snapshot() {
        Set<RouteOp> asOfSeq = new HashSet<>(rows);
        for (int i = pending.size() - 1; i >= 0; i--) {
            RouteOp op = pending.get(i);
            RouteOp row = new RouteOp(true, op.group(), op.filter());
            // Undo the pending change, latest first.
            if (op.add()) {
                asOfSeq.remove(row);
            } else {
                asOfSeq.add(row);
            }
        }
        return new RouteSnapshot(incarnation, seq, new ArrayList<>(asOfSeq));
    }

    /** Whether this node has subscribers to {@code filter} (not shared). */
    public synchronized boolean holds(String filter) {
        return rows.contains(new RouteOp(true, null, filter));
    }

    /** Rows held now (for the cluster's views and tests). */
    public synchronized int size() {
        return rows.size();
    }
}
