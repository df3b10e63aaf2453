package io.starling.broker.admin;

import io.starling.broker.bootstrap.Starling;
import io.starling.broker.cluster.ClusterAdmin;
import io.starling.broker.cluster.ClusterAdmin.Listing;
import io.starling.broker.cluster.ClusterAdmin.Page;
import io.starling.broker.routing.LocalRoutes;
import io.starling.broker.session.ClientConnection;
import io.starling.broker.session.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * This node's part of every cluster-wide listing and act: its nodes' row (itself), clients, sessions and
 * subscriptions, each row with its name; and a kick or a session clear of a client it holds. Safe from any
 * thread; what it lists is walked, so it runs on management threads, never on the network or cluster thread.
 */
public final class NodeAdmin {
    private final Starling node;

    public NodeAdmin(Starling node) {
        this.node = node;
    }

    public String nodeName() {
        return node.config().nodeName();
    }

    /** The first {@code listing.upTo()} rows in {@link ClusterAdmin#ORDER}, and how many there are. */
    public Page list(Listing listing) {
        String self = nodeName();
        List<Map<String, Object>> rows = new ArrayList<>();
        switch (listing.kind()) {
            case NODES -> rows.add(NodeViews.node(node));
            case CLIENTS -> ClientViews.sessions(node.services().sessions(), listing.query())
                    .forEach(s -> rows.add(ClientViews.client(s, self)));
            case SESSIONS -> ClientViews.sessions(node.services().sessions(), listing.query())
                    .forEach(s -> rows.add(ClientViews.session(s, self)));
            case SUBSCRIPTIONS -> rows.addAll(ClientViews.subscriptions(node.services().sessions(),
                    listing.query().clientId(), listing.topic(), listing.matchTopic(), self));
            default -> throw new IllegalArgumentException("no listing " + listing.kind());
        }
        rows.sort(ClusterAdmin.ORDER);
        return new Page(rows.subList(0, Math.min(rows.size(), Math.max(0, listing.upTo()))), rows.size(), Map.of());
    }

    /** Does {@code act} to the client if this node holds it; false when it does not (or, to kick, it is offline). */
    public boolean act(ClusterAdmin.Act act, String clientId) {
        Session s = node.services().sessions().get(clientId);
        if (s == null) {
            return false;
        }
        return switch (act) {
            case KICK -> {
                ClientConnection c = s.connection();
                if (c != null) {
                    c.kick();
                }
                yield c != null;
            }
            case CLEAR_SESSION -> node.services().sessions().clear(clientId);
        };
    }

    /** The route rows of this node's own subscribers: its filters and shared groups. */
    public int localRouteRows() {
        LocalRoutes local = node.services().router().localRoutes();
        return local.filters().size() + local.shared().size();
    }
}
