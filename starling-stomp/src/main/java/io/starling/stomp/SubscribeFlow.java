package io.starling.stomp;

import io.starling.api.Message;
import io.starling.api.auth.Authorizer.Action;
import io.starling.api.hook.SubscriptionRequest;
import io.starling.broker.protocol.BrokerServices;
import io.starling.broker.retain.RetainedMessages;
import io.starling.broker.routing.Subscription;
import io.starling.broker.session.Session;
import io.starling.broker.session.SessionRegistry;
import io.starling.broker.session.SharedFilter;
import io.starling.broker.session.SubscriptionLimits;
import io.starling.codec.Topics;
import io.starling.stomp.StompSubscription.AckMode;
import io.starling.stomp.frame.FrameException;
import io.starling.stomp.frame.StompFrame;
import io.starling.stomp.frame.StompVersion;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * SUBSCRIBE and UNSUBSCRIBE through the checks of an MQTT SUBSCRIBE, in the same order: the subscribe hooks, then
 * authorization of the filter they return, then the node's limits (shared and wildcard subscriptions, topic
 * levels, subscriptions per session), then the session and the route table, then the retained messages the new
 * filter matches. A refusal is an ERROR: STOMP has no other way to say no to a SUBSCRIBE.
 */
final class SubscribeFlow {
    private final StompConnection conn;
    private final BrokerServices services;

    SubscribeFlow(StompConnection conn) {
        this.conn = conn;
        this.services = conn.gateway.services();
    }

    CompletionStage<?> subscribe(StompFrame f) {
        String destination = StompConnection.required(f, "destination");
        String id = f.header("id");
        if (id == null || id.isEmpty()) {
            if (conn.version != StompVersion.V1_0) {
                throw new FrameException("SUBSCRIBE without an id header");
            }
            id = destination; // 1.0: the destination names the subscription
        }
        if (conn.subscriptions.byId(id) != null) {
            throw new FrameException("subscription id '" + id + "' is already in use on this connection");
        }
        AckMode ack = AckMode.of(f.header("ack"));
        if (ack == null) {
            throw new FrameException("ack header must be auto, client or client-individual, was '" + f.header("ack")
                    + "'");
        }
        String clientFilter = conn.gateway.destinations().filterFor(destination);
        int qos = ack == AckMode.AUTO ? 0 : Math.min(1, services.mqtt().maxQos());
        Request r = new Request(f, id, destination, ack);
        if (!services.hooks().interceptsSubscribe()) {
            return authorize(r, clientFilter, qos);
        }
        CompletableFuture<SubscriptionRequest> intercepted = services.hooks().subscribe(conn.client,
                SubscriptionRequest.of(clientFilter, qos));
        if (intercepted.isDone()) {
            return afterHooks(r, intercepted.join());
        }
        return intercepted.thenComposeAsync(sr -> orDone(afterHooks(r, sr)), conn.sink::execute);
    }

    private record Request(StompFrame frame, String id, String destination, AckMode ack) {
    }

    private CompletionStage<?> afterHooks(Request r, SubscriptionRequest sr) {
        if (conn.state != StompConnection.State.CONNECTED) {
            return null;
        }
        if (sr.refused()) {
            conn.error("subscription to '" + r.destination() + "' refused", r.frame());
            return null;
        }
        if (!Topics.isValidTopicFilter(sr.topicFilter()) || sr.qos() < 0 || sr.qos() > 2) {
            StompConnection.LOG.warn("{} {}: a subscribe hook made '{}' QoS {}, which is not a valid subscription",
                    conn.sink.listener(), conn.who(), sr.topicFilter(), sr.qos());
            conn.error("subscription to '" + r.destination() + "' refused", r.frame());
            return null;
        }
        // STOMP acknowledges once (ACK): a hook granting QoS 2 would leave messages waiting for a PUBREC for ever.
        return authorize(r, sr.topicFilter(), Math.min(sr.qos(), 1));
    }

    private CompletionStage<?> authorize(Request r, String clientFilter, int qos) {
        CompletableFuture<Boolean> allowed = services.authorization().authorize(conn.client, Action.SUBSCRIBE,
                clientFilter);
        if (allowed.isDone()) {
            return complete(r, clientFilter, qos, !allowed.isCompletedExceptionally() && allowed.join());
        }
        return allowed.exceptionally(e -> false)
                .thenComposeAsync(ok -> orDone(complete(r, clientFilter, qos, ok)), conn.sink::execute);
    }

    private CompletionStage<?> complete(Request r, String clientFilter, int qos, boolean allowed) {
        if (conn.state != StompConnection.State.CONNECTED) {
            return null;
        }
        SubscriptionLimits.Refusal refusal = allowed ? SubscriptionLimits.check(services.mqtt(), conn.session,
                clientFilter) : null;
        String problem = !allowed ? "not authorized to subscribe to '" + r.destination() + "'"
                : refusal != null ? refusal.describe(services.mqtt()) : null;
        if (problem != null) {
            conn.error(problem, r.frame());
            return null;
        }
        SharedFilter shared = SharedFilter.parse(clientFilter);
        String filter = shared == null ? clientFilter : shared.filter();
        Session session = conn.session;
        int number = conn.subscriptions.nextNumber();
        Subscription subscription = new Subscription(filter, session, qos, false, false, 0, number);
        SessionRegistry.Subscribed added = services.sessions().subscribe(conn, session, clientFilter, subscription);
        if (added == SessionRegistry.Subscribed.NOT_OWNER) {
            return null; // taken over: this connection is closing
        }
        StompSubscription s = new StompSubscription(r.id(), r.destination(), clientFilter, r.ack(), number,
                conn.gateway.destinations().style(r.destination()));
        StompSubscription replaced = conn.subscriptions.put(s);
        if (replaced != null) {
            conn.subscriptionEnded(replaced);
        }
        conn.remember();
        services.hooks().subscribed(conn.client, clientFilter, qos);
        Runnable retained = shared == null && services.mqtt().retainAvailable()
                ? () -> streamRetained(session, subscription) : null;
        return afterStored(r.frame(), retained);
    }

    private void streamRetained(Session session, Subscription subscription) {
        RetainedMessages retained = services.retained();
        Iterator<Message> matching = retained.matching(subscription.topicFilter());
        if (matching.hasNext()) {
            session.streamRetained(matching, subscription, retained::removeExpired, retained::load);
        }
    }

    CompletionStage<?> unsubscribe(StompSubscription s, StompFrame f) {
        conn.subscriptions.remove(s);
        Subscription removed = conn.session.removeSubscription(s.clientFilter());
        if (removed != null) {
            services.sessions().unroute(s.clientFilter(), removed);
            services.hooks().unsubscribed(conn.client, s.clientFilter());
        }
        conn.subscriptionEnded(s);
        conn.remember();
        return afterStored(f, null);
    }

    /**
     * A durable session's subscriptions are stored before the receipt goes out, as SUBACK waits in MQTT; then the
     * retained messages follow.
     */
    private CompletionStage<?> afterStored(StompFrame f, Runnable then) {
        services.sessions().saveToStore(conn.session);
        CompletionStage<Void> stored = services.storage().barrierForChanges();
        if (stored == null) {
            conn.receipt(f);
            if (then != null) {
                then.run();
            }
            return null;
        }
        return stored.handleAsync((r, e) -> {
            if (e != null) {
                conn.error("could not store the subscription: " + e.getMessage(), f);
            } else if (conn.state == StompConnection.State.CONNECTED) {
                conn.receipt(f);
                if (then != null) {
                    then.run();
                }
            }
            return null;
        }, conn.sink::execute);
    }

    private static CompletionStage<?> orDone(CompletionStage<?> stage) {
        return stage == null ? CompletableFuture.completedFuture(null) : stage;
    }
}
