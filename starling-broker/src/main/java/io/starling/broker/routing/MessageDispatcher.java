package io.starling.broker.routing;

import io.starling.api.Message;
import io.starling.api.hook.HookListener.DropReason;
import io.starling.broker.metrics.BrokerMetrics;
import io.starling.broker.retain.RetainedMessages;

/**
 * The message path behind {@link PublishGate}: keeps the retained store current, counts, then routes. Every source
 * of outside messages (clients, wills, the HTTP API, plugins, later bridges, the cluster and STOMP) goes through
 * the gate; only the node's own messages ($SYS, presence) come here directly.
 */
public final class MessageDispatcher {

    private final Router router;
    private final RetainedMessages retained;
    private final BrokerMetrics metrics;

    public MessageDispatcher(Router router, RetainedMessages retained, BrokerMetrics metrics) {
        this.router = router;
        this.retained = retained;
        this.metrics = metrics;
    }

    /** Publishes the message; returns the number of destinations it was routed to. */
    public int publish(Message message) {
        return publish(message, null);
    }

    /** As {@link #publish(Message)}, telling {@code congestion} of destinations that are behind. */
    public int publish(Message message, Congestion congestion) {
        metrics.messageReceived(message.qos().value(), message.retain());
        int destinations = route(message, congestion);
        if (destinations == 0) {
            metrics.messageDropped(DropReason.NO_SUBSCRIBERS);
        }
        return destinations;
    }

    /** A message of the node's own ($SYS): routed and retained like any, but not counted in the metrics. */
    public int publishSystem(Message message) {
        return route(message, null);
    }

    /**
     * A message another node forwarded: it passed the gate on that node, which also kept the retained messages
     * (they reach this node apart). Delivered to this node's subscribers only, or to one local member of
     * {@code group} when that node chose this one for a shared subscription.
     */
    int deliverForwarded(Message message, String group, String groupFilter, Congestion congestion) {
        int destinations;
        if (group == null) {
            destinations = router.routeForwarded(message, congestion);
        } else {
            destinations = router.routeForwardedShared(message, group, groupFilter, congestion) ? 1 : 0;
        }
        if (destinations == 0) {
            metrics.messageDropped(DropReason.NO_SUBSCRIBERS);
        }
        return destinations;
    }

    private int route(Message message, Congestion congestion) {
        if (message.retain()) {
            if (message.payload().length == 0) {
                retained.remove(message.topic());
            } else {
                retained.put(message);
            }
        }
        return router.route(message, congestion);
    }
}
