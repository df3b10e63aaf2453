package io.starling.cluster;

import io.starling.broker.bootstrap.Starling;
import io.starling.broker.config.ClusterConfig;
import io.starling.broker.extension.NodeExtension;
import io.starling.cluster.session.ClusterSessions;

/** Joins the cluster when the node starts, if {@code cluster.enabled}; leaves it when the node stops. */
public final class ClusterExtension implements NodeExtension {
    private ClusterNode cluster;
    private ClusterSessions sessions;

    @Override
    public String name() {
        return "cluster";
    }

    @Override
    public void start(Starling node) throws Exception {
        ClusterConfig config = node.config().cluster();
        if (config.enabled()) {
            cluster = ClusterNode.start(node, config);
            sessions = ClusterSessions.start(cluster, node);
        }
    }

    /** The running cluster member, or null when the cluster is off. */
    public ClusterNode cluster() {
        return cluster;
    }

    /** One session per client id across the cluster, or null when the cluster is off. */
    public ClusterSessions sessions() {
        return sessions;
    }

    @Override
    public void stopping() {
        if (sessions != null) {
            sessions.stopping();
        }
    }

    @Override
    public void drain() {
        if (sessions != null) {
            sessions.drain();
        }
    }

    @Override
    public void close() {
        if (sessions != null) {
            sessions.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }
}
