package io.starling.cluster.routes;

import io.starling.api.Message;
import io.starling.broker.routing.Destination;
import io.starling.broker.routing.SharedGroup;
import io.starling.broker.routing.Subscription;
import io.starling.cluster.data.DataPlane;
import java.util.List;

/**
 * Another node as the router sees it: one destination that holds that node's filters, so that a message matching
 * several of them is forwarded once. Its id starts with NUL, which no client id can.
 */
public final class RemoteNode implements Destination {
    private final String node;
    private final String id;
    private final DataPlane data;

    public RemoteNode(String node, DataPlane data) {
        this.node = node;
        this.id = "\u0000node:" + node;
        this.data = data;
    }

    public String node() {
        return node;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public boolean remote() {
        return true;
    }

    @Override
    public boolean isOnline() {
        return data.up(node);
    }

    @Override
    public void deliver(Message message, List<Subscription> matched, SharedGroup group) {
        if (group == null) {
            data.forward(node, message, null, null);
        } else {
            data.forward(node, message, group.group(), group.topicFilter());
        }
    }

    @Override
    public String toString() {
        return "node " + node;
    }
}
