package io.starling.broker.cluster;

import java.util.List;

/**
 * What the management API and {@code starling-ctl} know of the cluster, without depending on the cluster module:
 * a node that runs alone answers with itself ({@link #alone}); the cluster extension puts its own view in place.
 */
public interface ClusterView {

    /**
     * One node as this node sees it.
     *
     * @param state         {@code running} for a member of the current view, {@code stopped} for one that left
     * @param startedMillis when the node started, wall clock; 0 when not known
     * @param connections   its MQTT connections at its last report
     */
    record Member(String name, String state, String version, long startedMillis, int connections, boolean self,
            String address) {
    }

    /** Whether the node runs in a cluster. */
    boolean enabled();

    /** The cluster's name, or empty when alone. */
    String name();

    /** Every node of the cluster, this one included. */
    List<Member> members();

    /** Asks the cluster of the node at {@code hostPort} to take this node; returns what happened, for the operator. */
    String join(String hostPort);

    /** This node leaves its cluster (and stays alone until it joins again or restarts). */
    String leave();

    /** Removes a node that is gone from every node's view (its routes and sessions with it). */
    String forceLeave(String node);

    /** Clients, sessions and subscriptions of every node, a kick or clear wherever the client is, the links. */
    ClusterAdmin admin();

    /** A node on its own: every operation says there is no cluster; its listings are its own. */
    static ClusterView alone(java.util.function.Supplier<Member> self, io.starling.broker.admin.NodeAdmin local) {
        return new ClusterView() {
            @Override
            public boolean enabled() {
                return false;
            }

            @Override
            public String name() {
                return "";
            }

            @Override
            public List<Member> members() {
                return List.of(self.get());
            }

            @Override
            public String join(String hostPort) {
                throw new IllegalStateException("the cluster is off on this node (cluster.enabled = false)");
            }

            @Override
            public String leave() {
                throw new IllegalStateException("the cluster is off on this node (cluster.enabled = false)");
            }

            @Override
            public String forceLeave(String node) {
                throw new IllegalStateException("the cluster is off on this node (cluster.enabled = false)");
            }

            @Override
            public ClusterAdmin admin() {
                return ClusterAdmin.alone(local);
            }
        };
    }
}
