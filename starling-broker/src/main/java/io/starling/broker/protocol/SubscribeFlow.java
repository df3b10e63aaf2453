package io.starling.broker.protocol;

import io.starling.api.Message;
import io.starling.api.auth.Authorizer.Action;
import io.starling.api.hook.SubscriptionRequest;
import io.starling.broker.config.MqttConfig;
import io.starling.broker.hook.Hooks;
import io.starling.broker.routing.Subscription;
import io.starling.broker.session.Session;
import io.starling.broker.session.SessionRegistry;
import io.starling.broker.session.SharedFilter;
import io.starling.broker.session.SubscriptionLimits;
import io.starling.codec.LogSafe;
import io.starling.codec.MqttProperties;
import io.starling.codec.ReasonCode;
import io.starling.codec.Topics;
import io.starling.codec.packet.SubAckPacket;
import io.starling.codec.packet.SubscribePacket;
import io.starling.codec.packet.TopicSubscription;
import io.starling.codec.packet.UnsubAckPacket;
import io.starling.codec.packet.UnsubscribePacket;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/** SUBSCRIBE and UNSUBSCRIBE: limits, authorization, the route table, and retained messages for new filters. */
final class SubscribeFlow {
    /** The packet id of a SUBSCRIBE the node makes for the client (auto-subscribe): no SUBACK goes out. */
    static final int ON_BEHALF = 0;
    /** Retained messages read before SUBACK; beyond them the set is streamed. */
    private static final int SNAPSHOT = 1000;
    private final MqttConnection conn;
    private final MqttConfig mqtt;

    SubscribeFlow(MqttConnection conn) {
        this.conn = conn;
        this.mqtt = conn.services.mqtt();
    }

    CompletionStage<?> subscribe(SubscribePacket requested) {
        SubscribePacket packet = conn.client.bridge() && !conn.isV5() ? asBridge(requested) : requested;
        Hooks hooks = conn.services.hooks();
        if (!hooks.interceptsSubscribe()) {
            return authorize(packet, packet.subscriptions(), null);
        }
        // Interceptors first, authorization on what they return: a hook cannot open a filter the rules forbid.
        List<CompletableFuture<SubscriptionRequest>> intercepted = new ArrayList<>();
        boolean allDone = true;
        for (TopicSubscription t : packet.subscriptions()) {
            CompletableFuture<SubscriptionRequest> r = hooks.subscribe(conn.client,
                    SubscriptionRequest.of(t.topicFilter(), t.qos()));
            intercepted.add(r);
            allDone &= r.isDone();
        }
        if (allDone) {
            return afterInterceptors(packet, intercepted);
        }
        return CompletableFuture.allOf(intercepted.toArray(new CompletableFuture<?>[0]))
                .thenComposeAsync(r -> PublishFlow.orDone(afterInterceptors(packet, intercepted)), conn.ctx.executor());
    }

    /**
     * An MQTT 3 bridge (the bridge bit in CONNECT) cannot ask for subscription options; it gets the two Mosquitto
     * gives it: no-local, so that what it publishes here does not go back to the broker it came from (the loop
     * of a bridge in both directions), and retain-as-published, so that a retained message stays retained on the
     * other side. A shared subscription cannot be no-local (MQTT 5 3.8.3.1); it is left as it is.
     */
    static SubscribePacket asBridge(SubscribePacket packet) {
        List<TopicSubscription> out = new ArrayList<>(packet.subscriptions().size());
        for (TopicSubscription t : packet.subscriptions()) {
            boolean noLocal = !Topics.isShared(t.topicFilter());
            out.add(new TopicSubscription(t.topicFilter(), t.qos(), noLocal, true, t.retainHandling()));
        }
        return new SubscribePacket(packet.packetId(), out, packet.properties());
    }

    private CompletionStage<?> afterInterceptors(SubscribePacket packet,
            List<CompletableFuture<SubscriptionRequest>> intercepted) {
        List<TopicSubscription> requested = packet.subscriptions();
        List<TopicSubscription> effective = new ArrayList<>(requested.size());
        int[] refused = new int[requested.size()];
        for (int i = 0; i < requested.size(); i++) {
            TopicSubscription t = requested.get(i);
            SubscriptionRequest r = intercepted.get(i).join();
            if (r.refused()) {
                refused[i] = r.reasonCode();
            } else if (!Topics.isValidTopicFilter(r.topicFilter()) || r.qos() < 0 || r.qos() > 2) {
                MqttConnection.LOG.warn("{} {}: a subscribe hook made '{}' QoS {}, which is not a valid subscription",
                        conn.listener.name(), conn.who(), LogSafe.escape(r.topicFilter()), r.qos());
                refused[i] = ReasonCode.TOPIC_FILTER_INVALID;
            }
            effective.add(refused[i] != 0 ? t : new TopicSubscription(r.topicFilter(), r.qos(), t.noLocal(),
                    t.retainAsPublished(), t.retainHandling()));
        }
        return authorize(packet, effective, refused);
    }

    /** {@code refused} holds, per filter, the reason code a hook refused it with (0: not refused), or is null. */
    private CompletionStage<?> authorize(SubscribePacket packet, List<TopicSubscription> requested, int[] refused) {
        List<CompletableFuture<Boolean>> decisions = new ArrayList<>(requested.size());
        boolean allDone = true;
        for (int i = 0; i < requested.size(); i++) {
            CompletableFuture<Boolean> d = refused != null && refused[i] != 0 ? CompletableFuture.completedFuture(false)
                    : conn.authorize(Action.SUBSCRIBE, requested.get(i).topicFilter());
            decisions.add(d);
            allDone &= d.isDone();
        }
        if (allDone) {
            return complete(packet, requested, decisions, refused);
        }
        return CompletableFuture.allOf(decisions.toArray(new CompletableFuture<?>[0]))
                .handleAsync((r, e) -> complete(packet, requested, decisions, refused), conn.ctx.executor())
                .thenCompose(stored -> stored == null ? CompletableFuture.completedFuture(null) : stored);
    }

    /** Applies the subscriptions; returns a stage when SUBACK waits for them to be stored, else null. */
    private CompletionStage<?> complete(SubscribePacket packet, List<TopicSubscription> requested,
            List<CompletableFuture<Boolean>> decisions, int[] refused) {
        if (conn.state != MqttConnection.State.CONNECTED) {
            return null;
        }
        int subscriptionId = packet.properties().subscriptionIdentifiers().isEmpty() ? 0
                : packet.properties().subscriptionIdentifiers().get(0);
        List<Integer> codes = new ArrayList<>(requested.size());
        List<Runnable> retainedDeliveries = new ArrayList<>(0);
        List<String> denied = new ArrayList<>(0);
        for (int i = 0; i < requested.size(); i++) {
            if (refused != null && refused[i] != 0) {
                codes.add(refused[i]);
                continue;
            }
            boolean allowed = decisions.get(i).isDone() && !decisions.get(i).isCompletedExceptionally()
                    && decisions.get(i).join();
            if (!allowed) {
                denied.add(requested.get(i).topicFilter());
            }
            codes.add(subscribeOne(requested.get(i), subscriptionId, allowed, retainedDeliveries));
        }
        MqttProperties props = MqttProperties.NONE;
        if (!denied.isEmpty() && conn.isV5() && conn.requestProblemInformation) {
            props = MqttProperties.builder().reasonString("not authorized: " + String.join(", ", denied)).build();
        }
        SubAckPacket ack = new SubAckPacket(packet.packetId(), codes, props);
        if (!conn.fitsClient(ack)) {
            // The reason string is the part a client may go without [MQTT-3.9.2-1].
            ack = new SubAckPacket(packet.packetId(), codes, MqttProperties.NONE);
        }
        SubAckPacket finalAck = ack;
        Runnable retained = () -> retainedDeliveries.forEach(Runnable::run);
        return afterStored(() -> {
            if (packet.packetId() != ON_BEHALF) {
                conn.send(finalAck);
            }
            retained.run();
        }, retainedDeliveries.isEmpty() ? null : retained);
    }

    /**
     * Stores a durable session's subscriptions and runs {@code answer} once they are durable (at once when
     * nothing was stored): a client told SUBACK keeps its subscription across a crash. Returns the stage the
     * connection waits for, or null. {@code owed} (or null) is what the session is owed even when the connection
     * closed meanwhile: the retained messages the new subscriptions matched, session state of a persistent session
     * (MQTT 5 4.1), which it gets when it resumes.
     */
    private CompletionStage<?> afterStored(Runnable answer, Runnable owed) {
        conn.services.sessions().saveToStore(conn.session);
        CompletionStage<Void> stored = conn.services.storage().barrierForChanges();
        if (stored == null) {
            answer.run();
            return null;
        }
        Session session = conn.session;
        return stored.handleAsync((r, e) -> {
            if (e != null) {
                conn.violation(ReasonCode.QUOTA_EXCEEDED, "could not store the subscriptions: " + e.getMessage());
            } else if (conn.state == MqttConnection.State.CONNECTED) {
                answer.run();
            } else if (owed != null && session.durable()
                    && conn.services.sessions().get(session.clientId()) == session) {
                owed.run();
            }
            return null;
        }, conn.ctx.executor());
    }

    private int subscribeOne(TopicSubscription t, int subscriptionId, boolean allowed, List<Runnable> retained) {
        String clientFilter = t.topicFilter();
        SharedFilter shared = SharedFilter.parse(clientFilter);
        String filter = shared == null ? clientFilter : shared.filter();
        Session session = conn.session;
        if (!allowed) {
            MqttConnection.LOG.info("{} {}: not authorized to subscribe to '{}'", conn.listener.name(), conn.who(),
                    LogSafe.escape(clientFilter));
            // 0x80 rather than 0x87 so that a client cannot probe which filters the rules protect; the reason
            // string (when the client asked for problem information) and the log say why.
            return ReasonCode.UNSPECIFIED_ERROR;
        }
        SubscriptionLimits.Refusal refusal = SubscriptionLimits.check(mqtt, session, clientFilter);
        if (refusal != null) {
            return refusal.reasonCode();
        }
        int granted = Math.min(t.qos(), mqtt.maxQos());
        Subscription subscription = new Subscription(filter, session, granted, t.noLocal(), t.retainAsPublished(),
                t.retainHandling(), subscriptionId);
        SessionRegistry.Subscribed added = conn.services.sessions().subscribe(conn, session, clientFilter,
                subscription);
        if (added == SessionRegistry.Subscribed.NOT_OWNER) {
            return ReasonCode.UNSPECIFIED_ERROR; // taken over: this connection is closing
        }
        boolean isNew = added == SessionRegistry.Subscribed.NEW;
        conn.services.hooks().subscribed(conn.client, clientFilter, granted);
        // Shared subscriptions never receive retained messages on subscribe [MQTT-3.8.4-... shared rules].
        boolean sendRetained = shared == null && mqtt.retainAvailable()
                && (t.retainHandling() == 0 || (t.retainHandling() == 1 && isNew));
        if (sendRetained) {
            // The first SNAPSHOT matches are found now, before SUBACK goes out: a message published after the
            // client saw SUBACK then reaches it once, live, and not again from this scan (on the memory storage;
            // on disk the message is read later and may be the newer one). A larger set is walked as it is sent.
            Iterator<Message> matching = conn.services.retained().matching(subscription.topicFilter());
            List<Message> first = new ArrayList<>();
            long now = System.currentTimeMillis();
            while (first.size() < SNAPSHOT && matching.hasNext()) {
                Message m = matching.next();
                if (m.isExpired(now)) {
                    removeRetained(m);
                } else {
                    first.add(m);
                }
            }
            // After SUBACK, the snapshot then the rest, through the session's retained stream.
            Iterator<Message> all = Stream.concat(first.stream(),
                    StreamSupport.stream(Spliterators.spliteratorUnknownSize(matching, Spliterator.ORDERED), false))
                    .iterator();
            // Nothing of the connection is captured: the stream outlives it when the client leaves mid-way.
            retained.add(() -> session.streamRetained(all, subscription, conn.services.retained()::removeExpired,
                    conn.services.retained()::load));
        }
        return granted;
    }

    private void removeRetained(Message expired) {
        conn.services.retained().removeExpired(expired);
    }

    CompletionStage<?> unsubscribe(UnsubscribePacket packet) {
        List<Integer> codes = new ArrayList<>(packet.topicFilters().size());
        for (String clientFilter : packet.topicFilters()) {
            Subscription removed = conn.session.removeSubscription(clientFilter);
            if (removed == null) {
                codes.add(ReasonCode.NO_SUBSCRIPTION_EXISTED);
                continue;
            }
            conn.services.sessions().unroute(clientFilter, removed);
            conn.services.hooks().unsubscribed(conn.client, clientFilter);
            codes.add(ReasonCode.SUCCESS);
        }
        UnsubAckPacket ack = new UnsubAckPacket(packet.packetId(), codes, MqttProperties.NONE);
        return afterStored(() -> {
            if (packet.packetId() != ON_BEHALF) {
                conn.send(ack);
            }
        }, null);
    }
}
