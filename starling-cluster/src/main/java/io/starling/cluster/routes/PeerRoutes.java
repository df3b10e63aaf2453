package io.starling.cluster.routes;

import io.starling.broker.routing.Router;
import io.starling.broker.routing.Subscription;
import io.starling.cluster.control.ControlMessage.RouteDelta;
import io.starling.cluster.control.ControlMessage.RouteOp;
import io.starling.cluster.control.ControlMessage.RouteSnapshot;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Another node's rows in this node's router, kept in step with its snapshot and numbered deltas. Deltas that come
 * before the snapshot wait for it; a gap in the numbering asks for a new snapshot. Used on the cluster thread only.
 */
public final class PeerRoutes {
    /** What to do after a delta. */
    public enum Outcome {
        APPLIED, WAITING_FOR_SNAPSHOT, GAP
    }

    private final RemoteNode node;
    private final Router router;
    /** Written on the cluster thread only; concurrent so that views may read it. */
    private final Set<RouteOp> rows = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final List<RouteDelta> early = new ArrayList<>();
    private long incarnation;
    private long seq = -1;
    private boolean awaitingSnapshot;

    public PeerRoutes(RemoteNode node, Router router) {
        this.node = node;
        this.router = router;
    }

    public RemoteNode node() {
        return node;
    }

    public int size() {
        return rows.size();
    }

    /** Whether the node holds the filter (a plain subscription, not a shared group's). */
    public boolean holds(String filter) {
        return rows.contains(new RouteOp(true, null, filter));
    }

    /** The rows, for views and tests. */
    public Set<RouteOp> rows() {
        return Set.copyOf(rows);
    }

    /** Whether no snapshot has been applied since the node was met or a gap was seen. */
    public boolean awaitingSnapshot() {
        return seq < 0 || awaitingSnapshot;
    }

    public Outcome delta(RouteDelta d) {
        if (seq < 0 || awaitingSnapshot) {
            early.add(d);
            return Outcome.WAITING_FOR_SNAPSHOT;
        }
        if (d.incarnation() == incarnation && d.seq() <= seq) {
            return Outcome.APPLIED;
        }
        if (d.incarnation() != incarnation || d.seq() != seq + 1) {
            early.add(d);
            awaitingSnapshot = true;
            return Outcome.GAP;
        }
        d.ops().forEach(this::apply);
        seq = d.seq();
        return Outcome.APPLIED;
    }

    /** Replaces every row with the snapshot's, then applies the deltas that came early and follow it. */
    public Outcome snapshot(RouteSnapshot s) {
        Set<RouteOp> wanted = new HashSet<>(s.rows());
        for (RouteOp row : List.copyOf(rows)) {
            if (!wanted.contains(row)) {
                apply(new RouteOp(false, row.group(), row.filter()));
            }
        }
        for (RouteOp row : wanted) {
            if (!rows.contains(row)) {
                apply(row);
            }
        }
        incarnation = s.incarnation();
        seq = s.seq();
        awaitingSnapshot = false;
        List<RouteDelta> waiting = new ArrayList<>(early);
        early.clear();
        waiting.sort(java.util.Comparator.comparingLong(RouteDelta::seq));
        Outcome outcome = Outcome.APPLIED;
        for (RouteDelta d : waiting) {
            if (d.incarnation() == incarnation) {
                outcome = delta(d);
            }
        }
        return outcome;
    }

    private void apply(RouteOp op) {
        RouteOp row = new RouteOp(true, op.group(), op.filter());
        Subscription s = new Subscription(op.filter(), node, 2, false, true, 0, 0);
        if (op.add()) {
            if (rows.add(row)) {
                if (op.group() == null) {
                    router.subscribe(s);
                } else {
                    router.subscribeShared(op.group(), s);
                }
            }
        } else if (rows.remove(row)) {
            if (op.group() == null) {
                router.unsubscribe(op.filter(), node);
            } else {
                router.unsubscribeShared(op.group(), op.filter(), node);
            }
        }
    }

    /** Takes every row of the node out of the router: it left. */
    public void clear() {
        for (RouteOp row : List.copyOf(rows)) {
            apply(new RouteOp(false, row.group(), row.filter()));
        }
        early.clear();
        seq = -1;
        awaitingSnapshot = false;
    }
}
