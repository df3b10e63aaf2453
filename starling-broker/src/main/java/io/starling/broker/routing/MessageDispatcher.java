package io.starling.broker.routing;

import io.starling.api.Message;
import io.starling.api.hook.HookListener.DropReason;
import io.starling.api.store.RetainedStore;
import io.starling.broker.metrics.BrokerMetrics;
import io.starling.broker.storage.NodeStorage;

/**
 * The entry to the message path for every source — clients, wills, and later bridges, the cluster and the
 * HTTP API: keeps the retained store current, then routes.
 */
public final class MessageDispatcher {

    private final Router router;
    private final RetainedStore retained;
    private final BrokerMetrics metrics;
    private final NodeStorage storage;

    public MessageDispatcher(Router router, RetainedStore retained, BrokerMetrics metrics, NodeStorage storage) {
        this.router = router;
        this.retained = retained;
        this.metrics = metrics;
        this.storage = storage;
    }

    /** Publishes the message; returns the number of destinations it was routed to. */
    public int publish(Message message) {
        return publish(message, null);
    }

    /** As {@link #publish(Message)}, telling {@code congestion} of destinations that are behind. */
    public int publish(Message message, Congestion congestion) {
        metrics.messageReceived();
        if (message.retain()) {
            if (message.payload().length == 0) {
                retained.remove(message.topic());
                storage.removeRetained(message.topic());
            } else {
                retained.put(message);
                storage.putRetained(message);
            }
        }
        int destinations = router.route(message, congestion);
        if (destinations == 0) {
            metrics.messageDropped(DropReason.NO_SUBSCRIBERS);
        }
        return destinations;
    }
}
