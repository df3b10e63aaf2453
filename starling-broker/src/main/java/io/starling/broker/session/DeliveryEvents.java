package io.starling.broker.session;

import io.starling.api.Message;
import io.starling.api.hook.HookListener.DropReason;
import io.starling.broker.hook.Hooks;
import io.starling.broker.metrics.BrokerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Tells metrics and hooks what happened to each delivery. */
public final class DeliveryEvents {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryEvents.class);

    private final Hooks hooks;
    private final BrokerMetrics metrics;

    public DeliveryEvents(Hooks hooks, BrokerMetrics metrics) {
        this.hooks = hooks;
        this.metrics = metrics;
    }

    void sent(String clientId, Message message) {
        metrics.messageSent();
        hooks.delivered(clientId, message);
    }

    void sessionTerminated(String clientId, String reason) {
        hooks.sessionTerminated(clientId, reason);
    }

    void acked(String clientId, Message message) {
        hooks.acked(clientId, message);
    }

    /** Messages dropped without being read back from the storage: counted, but hooks cannot be shown them. */
    void droppedUnread(String clientId, int count, DropReason reason) {
        metrics.messagesDropped(reason, count);
        if (count > 0) {
            LOG.debug("dropped {} stored messages for {}: {}", count, clientId, reason);
        }
    }

    void dropped(String clientId, Message message, DropReason reason) {
        metrics.messageDropped(reason);
        if (LOG.isDebugEnabled()) {
            LOG.debug("dropped message on '{}' for {}: {}", message.topic(), clientId, reason);
        }
        hooks.dropped(clientId, message, reason);
    }
}
