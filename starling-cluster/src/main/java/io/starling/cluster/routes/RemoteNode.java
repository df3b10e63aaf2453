package io.starling.cluster.routes;

import io.starling.api.Message;
import io.starling.broker.routing.Destination;
import io.starling.broker.routing.SharedGroup;
import io.starling.broker.routing.Subscription;
import io.starling.cluster.data.DataPlane;
import io.starling.broker.storage.NodeStorage;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Another node as the router sees it: one destination that holds that node's filters, so that a message matching
 * several of them is forwarded once. Its id starts with NUL, which no client id can.
 */
public final class RemoteNode implements Destination {
    private final String node;
    private final String id;
    private final DataPlane data;
    private final NodeStorage storage;

    public RemoteNode(String node, DataPlane data, NodeStorage storage) {
        this.node = node;
        this.id = "\u0000node:" + node;
        this.data = data;
        this.storage = storage;
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
        // A QoS 1/2 publisher is answered once this node has stored its copy too (the ack gate).
        CompletableFuture<Void> confirmation = message.qos().value() > 0 ? new CompletableFuture<>() : null;
        if (confirmation != null) {
            storage.awaitConfirmation(confirmation);
        }
        if (group == null) {
            data.forward(node, message, null, null, confirmation);
        } else {
            data.forward(node, message, group.group(), group.topicFilter(), confirmation);
        }
    }

    @Override
    public boolean congested() {
        return data.congested(node);
    }

    @Override
    public void whenDrained(Runnable resume) {
        data.whenDrained(node, resume);
    }

    @Override
    public String toString() {
        return "node " + node;
    }
}
