package io.starling.broker.hook;

import io.starling.api.ClientInfo;
import io.starling.api.Message;
import io.starling.api.hook.ConnectInterceptor;
import io.starling.api.hook.ConnectVerdict;
import io.starling.api.hook.HookListener;
import io.starling.api.hook.HookListener.DropReason;
import io.starling.api.hook.HookOptions;
import io.starling.api.hook.PublishInterceptor;
import io.starling.api.hook.SubscribeInterceptor;
import io.starling.api.hook.SubscriptionRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every hook point of the node (docs/hooks.md lists them and their contracts): observers ({@link HookListener})
 * and interceptors that may refuse a CONNECT, change or refuse a subscription, change or stop a message. Hooks
 * run in priority order (lowest first). One that throws, or that a blocking hook does not answer within its
 * timeout, is logged and counted and the node carries on: with the value unchanged, or refused for a CONNECT
 * (fail closed). A non-blocking hook cannot be interrupted: one call in 16 is timed, and one that overran is
 * logged and counted. Blocking hooks run on the hook threads, never on a network thread. With no hook at a point,
 * a call costs a size check and allocates nothing.
 */
public final class Hooks {
    static final Logger LOG = LoggerFactory.getLogger(Hooks.class);

    private final HookList<HookListener> listeners = new HookList<>();
    private final HookList<ConnectInterceptor> connects = new HookList<>();
    private final HookList<SubscribeInterceptor> subscribes = new HookList<>();
    private final HookList<PublishInterceptor> publishes = new HookList<>();
    private final HookCounters counters = new HookCounters();
    private final Executor blockingThreads;

    /** Blocking hooks run on {@code blockingThreads}, which should refuse work rather than queue without bound. */
    public Hooks(Executor blockingThreads) {
        this.blockingThreads = blockingThreads;
    }

    /** Hooks that never block: everything runs on the calling thread (tests, embedded use). */
    public Hooks() {
        this(Runnable::run);
    }

    public void add(HookListener listener, HookOptions options) {
        listeners.add(listener, options);
    }

    /** Observers with a priority and the default options. */
    public void add(HookListener listener, int priority) {
        listeners.add(listener, HookOptions.priority(priority));
    }

    public void add(ConnectInterceptor interceptor, HookOptions options) {
        connects.add(interceptor, options);
    }

    public void add(SubscribeInterceptor interceptor, HookOptions options) {
        subscribes.add(interceptor, options);
    }

    public void add(PublishInterceptor interceptor, HookOptions options) {
        publishes.add(interceptor, options);
    }

    /** Removes the hook from every point it was registered at. */
    public void remove(Object hook) {
        listeners.remove(hook);
        connects.remove(hook);
        subscribes.remove(hook);
        publishes.remove(hook);
    }

    public boolean isEmpty() {
        return listeners.isEmpty() && connects.isEmpty() && subscribes.isEmpty() && publishes.isEmpty();
    }

    /** Hooks that threw. */
    public long failures() {
        return counters.failures();
    }

    /** Hooks that took longer than their timeout (blocking ones were given up). */
    public long timeouts() {
        return counters.timeouts();
    }

    // ---- interceptors ----

    public boolean interceptsConnect() {
        return !connects.isEmpty();
    }

    /** The first refusal, or {@link ConnectVerdict#ALLOW}; a hook that fails refuses with 0x80. */
    public CompletableFuture<ConnectVerdict> connect(ClientInfo client) {
        return new Chain<ConnectInterceptor, ConnectVerdict>(connects, counters, blockingThreads, "connect",
                client.clientId(), (hook, verdict) -> {
                    ConnectVerdict v = hook.onConnect(client);
                    return v == null ? ConnectVerdict.ALLOW : v;
                },
                verdict -> ConnectVerdict.refuse(0x80, "a connect hook failed"), verdict -> !verdict.allowed())
                .run(ConnectVerdict.ALLOW);
    }

    public boolean interceptsSubscribe() {
        return !subscribes.isEmpty();
    }

    public CompletableFuture<SubscriptionRequest> subscribe(ClientInfo client, SubscriptionRequest request) {
        return new Chain<SubscribeInterceptor, SubscriptionRequest>(subscribes, counters, blockingThreads,
                "subscribe", client.clientId(), (hook, r) -> {
                    SubscriptionRequest out = hook.onSubscribe(client, r);
                    return out == null ? r : out;
                }, r -> r, SubscriptionRequest::refused).run(request);
    }

    public boolean interceptsPublish() {
        return !publishes.isEmpty();
    }

    /** The message to route, or null when a hook stopped it. */
    public CompletableFuture<Message> publish(ClientInfo client, Message message) {
        return new Chain<PublishInterceptor, Message>(publishes, counters, blockingThreads, "publish",
                client.clientId(), (hook, m) -> hook.onPublish(client, m), m -> m, m -> m == null)
                .run(message);
    }

    // ---- observers ----

    public void connack(ClientInfo client, int reasonCode) {
        if (!listeners.isEmpty()) {
            each(l -> l.onConnack(client, reasonCode));
        }
    }

    public void connected(ClientInfo client, boolean sessionPresent) {
        if (!listeners.isEmpty()) {
            each(l -> l.onConnected(client, sessionPresent));
        }
    }

    public void sessionOpened(ClientInfo client, boolean resumed) {
        if (!listeners.isEmpty()) {
            each(resumed ? l -> l.onSessionResumed(client) : l -> l.onSessionCreated(client));
        }
    }

    public void sessionTerminated(String clientId, String reason) {
        if (!listeners.isEmpty()) {
            each(l -> l.onSessionTerminated(clientId, reason));
        }
    }

    public void disconnected(ClientInfo client, String reason) {
        if (!listeners.isEmpty()) {
            each(l -> l.onDisconnected(client, reason));
        }
    }

    public void subscribed(ClientInfo client, String filter, int grantedQos) {
        if (!listeners.isEmpty()) {
            each(l -> l.onSubscribe(client, filter, grantedQos));
        }
    }

    public void unsubscribed(ClientInfo client, String filter) {
        if (!listeners.isEmpty()) {
            each(l -> l.onUnsubscribe(client, filter));
        }
    }

    public void published(ClientInfo client, Message message) {
        if (!listeners.isEmpty()) {
            each(l -> l.onPublish(client, message));
        }
    }

    public void delivered(String clientId, Message message) {
        if (!listeners.isEmpty()) {
            each(l -> l.onDelivered(clientId, message));
        }
    }

    public void acked(String clientId, Message message) {
        if (!listeners.isEmpty()) {
            each(l -> l.onAcked(clientId, message));
        }
    }

    public void dropped(String clientId, Message message, DropReason reason) {
        if (!listeners.isEmpty()) {
            each(l -> l.onDropped(clientId, message, reason));
        }
    }

    private void each(Consumer<HookListener> call) {
        for (HookList.Entry<HookListener> e : listeners.entries()) {
            if (e.options().blocking()) {
                try {
                    blockingThreads.execute(() -> observe(e, call));
                } catch (RejectedExecutionException full) {
                    counters.failed(e.hook(), "its call was refused: the hook threads are all busy", full);
                }
            } else {
                observe(e, call);
            }
        }
    }

    private void observe(HookList.Entry<HookListener> e, Consumer<HookListener> call) {
        boolean timed = e.timeThisCall();
        long started = timed ? System.nanoTime() : 0;
        try {
            call.accept(e.hook());
        } catch (RuntimeException failure) {
            counters.failed(e.hook(), "it threw", failure);
        }
        if (timed) {
            counters.checkTime(e, started);
        }
    }
}
