package io.starling.broker.hook;

import io.starling.api.ClientInfo;
import io.starling.api.Message;
import io.starling.api.hook.HookListener;
import io.starling.api.hook.HookListener.DropReason;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registered hook listeners, called in priority order (lowest first). A listener that throws is logged and
 * counted; the node carries on. Each call checks for listeners first, so the message path allocates no
 * capturing lambda when nobody listens.
 */
public final class Hooks {
    private static final Logger LOG = LoggerFactory.getLogger(Hooks.class);

    private record Registered(HookListener listener, int priority) {
    }

    private final List<Registered> listeners = new CopyOnWriteArrayList<>();
    private final LongAdder failures = new LongAdder();

    public synchronized void add(HookListener listener, int priority) {
        listeners.add(new Registered(listener, priority));
        listeners.sort(Comparator.comparingInt(Registered::priority));
    }

    public void remove(HookListener listener) {
        listeners.removeIf(r -> r.listener == listener);
    }

    public boolean isEmpty() {
        return listeners.isEmpty();
    }

    public long failures() {
        return failures.sum();
    }

    public void connected(ClientInfo client, boolean sessionPresent) {
        if (listeners.isEmpty()) {
            return;
        }
        each(l -> l.onConnected(client, sessionPresent));
    }

    public void disconnected(ClientInfo client, String reason) {
        if (listeners.isEmpty()) {
            return;
        }
        each(l -> l.onDisconnected(client, reason));
    }

    public void subscribed(ClientInfo client, String filter, int grantedQos) {
        if (listeners.isEmpty()) {
            return;
        }
        each(l -> l.onSubscribe(client, filter, grantedQos));
    }

    public void unsubscribed(ClientInfo client, String filter) {
        if (listeners.isEmpty()) {
            return;
        }
        each(l -> l.onUnsubscribe(client, filter));
    }

    public void published(ClientInfo client, Message message) {
        if (listeners.isEmpty()) {
            return;
        }
        each(l -> l.onPublish(client, message));
    }

    public void delivered(String clientId, Message message) {
        if (listeners.isEmpty()) {
            return;
        }
        each(l -> l.onDelivered(clientId, message));
    }

    public void acked(String clientId, Message message) {
        if (listeners.isEmpty()) {
            return;
        }
        each(l -> l.onAcked(clientId, message));
    }

    public void dropped(String clientId, Message message, DropReason reason) {
        if (listeners.isEmpty()) {
            return;
        }
        each(l -> l.onDropped(clientId, message, reason));
    }

    private void each(Consumer<HookListener> call) {
        for (Registered r : listeners) {
            try {
                call.accept(r.listener);
            } catch (RuntimeException e) {
                failures.increment();
                LOG.warn("hook listener {} failed: {}", r.listener.getClass().getName(), e.toString());
            }
        }
    }
}
