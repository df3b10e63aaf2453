package io.starling.bridge;

import io.starling.api.ClientInfo;
import io.starling.api.Message;
import io.starling.api.QoS;
import io.starling.api.auth.Authorizer.Action;
import io.starling.api.hook.SubscriptionRequest;
import io.starling.api.store.StoredSession;
import io.starling.broker.config.BridgeConfig.TopicRule;
import io.starling.broker.protocol.BrokerServices;
import io.starling.broker.routing.PublishGate;
import io.starling.broker.routing.Subscription;
import io.starling.broker.session.ClientConnection;
import io.starling.broker.session.Session;
import io.starling.broker.session.SessionRegistry;
import io.starling.broker.session.SubscriptionLimits;
import io.starling.codec.LogSafe;
import io.starling.codec.Topics;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge's side on this node: its persistent session ({@code bridge:<name>}, never expiring), subscribed to
 * the {@code out} rules' local filters with no-local and retain-as-published through the same checks as an MQTT
 * SUBSCRIBE (subscribe hooks, then authorization as the bridge's identity); and its state topic. The session
 * exists while the remote is down, so that what is published meanwhile waits in its queue, in the storage.
 */
final class LocalSide {
    private static final Logger LOG = LoggerFactory.getLogger(LocalSide.class);
    /** How long a subscribe hook or authorizer may take while the bridge starts. */
    private static final long DECISION_SECONDS = 10;

    private final BrokerServices services;
    private final ClientInfo client;
    private final TopicMap topics;
    private final String description;

    LocalSide(BrokerServices services, ClientInfo client, TopicMap topics) {
        this.services = services;
        this.client = client;
        this.topics = topics;
        this.description = "bridge '" + client.clientId().substring("bridge:".length()) + "'";
    }

    ClientInfo client() {
        return client;
    }

    /**
     * Opens (or resumes) the session with {@code connection} as its owner: it sends nothing to it before
     * {@link SessionRegistry#attach}.
     */
    Session open(ClientConnection connection) {
        return services.sessions().open(client.clientId(), false, connection, StoredSession.NEVER_EXPIRES, null, 0)
                .session();
    }

    /**
     * Makes the session's subscriptions those of the {@code out} rules now (a rule removed from the configuration
     * goes), then leaves the session offline: messages queue for the remote until a connection attaches. Runs
     * once as the bridge starts, off the network threads (the decisions may wait for a backend).
     */
    void prepare(ClientConnection placeholder) {
        SessionRegistry registry = services.sessions();
        Session session = open(placeholder);
        try {
            Map<String, TopicRule> wanted = new HashMap<>();
            Map<String, Integer> ids = new HashMap<>();
            List<TopicRule> rules = topics.rules();
            for (int i = 0; i < rules.size(); i++) {
                TopicRule r = rules.get(i);
                if (r.direction().out() && !wanted.containsKey(r.localFilter())) {
                    wanted.put(r.localFilter(), r);
                    ids.put(r.localFilter(), i + 1);
                }
            }
            for (Map.Entry<String, Subscription> e : session.subscriptions().entrySet()) {
                if (!wanted.containsKey(e.getKey())) {
                    session.removeSubscription(e.getKey());
                    registry.unroute(e.getKey(), e.getValue());
                    services.hooks().unsubscribed(client, e.getKey());
                    LOG.info("{}: local subscription to '{}' removed (no longer in its rules)", description,
                            LogSafe.escape(e.getKey()));
                }
            }
            for (Map.Entry<String, TopicRule> e : wanted.entrySet()) {
                subscribe(placeholder, session, e.getKey(), e.getValue().qos(), ids.get(e.getKey()));
            }
            registry.saveToStore(session);
        } finally {
            registry.closed(session, placeholder, false);
        }
    }

    private void subscribe(ClientConnection placeholder, Session session, String requested, int requestedQos, int id) {
        String filter = requested;
        int qos = requestedQos;
        try {
            if (services.hooks().interceptsSubscribe()) {
                SubscriptionRequest r = services.hooks().subscribe(client, SubscriptionRequest.of(filter, qos))
                        .get(DECISION_SECONDS, TimeUnit.SECONDS);
                if (r.refused()) {
                    LOG.warn("{}: a subscribe hook refused the local subscription to '{}' (reason 0x{}): nothing"
                            + " goes out for it", description, LogSafe.escape(filter), Integer.toHexString(r.reasonCode()));
                    return;
                }
                if (!Topics.isValidTopicFilter(r.topicFilter()) || r.qos() < 0 || r.qos() > 2) {
                    LOG.warn("{}: a subscribe hook made '{}' QoS {}, not a valid subscription", description,
                            LogSafe.escape(r.topicFilter()), r.qos());
                    return;
                }
                filter = r.topicFilter();
                qos = r.qos();
            }
            boolean allowed = services.authorization().authorize(client, Action.SUBSCRIBE, filter)
                    .get(DECISION_SECONDS, TimeUnit.SECONDS);
            if (!allowed) {
                LOG.warn("{}: not authorized to subscribe to '{}' locally (client id '{}'): nothing goes out for it",
                        description, LogSafe.escape(filter), LogSafe.escape(client.clientId()));
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            LOG.warn("{}: the local subscription to '{}' could not be decided: {}", description,
                    LogSafe.escape(filter), e.toString());
            return;
        }
        SubscriptionLimits.Refusal refusal = SubscriptionLimits.check(services.mqtt(), session, filter);
        if (refusal != null) {
            LOG.warn("{}: the node's limits refuse the local subscription to '{}': {}; nothing goes out for it",
                    description, LogSafe.escape(filter), refusal.describe(services.mqtt()));
            return;
        }
        int granted = Math.min(qos, services.mqtt().maxQos());
        // No-local: what the bridge brought in does not go back out. Retain as published: the remote's subscribers
        // see the retain flag the publisher set. Retained messages only for a new subscription: not again at
        // every start.
        Subscription sub = new Subscription(filter, session, granted, true, true, 1, id);
        SessionRegistry.Subscribed added = services.sessions().subscribe(placeholder, session, filter, sub);
        if (added == SessionRegistry.Subscribed.NOT_OWNER) {
            return;
        }
        services.hooks().subscribed(client, filter, granted);
        if (added == SessionRegistry.Subscribed.NEW && services.mqtt().retainAvailable()) {
            session.streamRetained(services.retained().matching(filter), sub, services.retained()::removeExpired,
                    services.retained()::load);
        }
    }

    /** Publishes the bridge's state (1 connected, 0 not), retained, on this node, as the bridge. */
    void publishState(String topic, boolean up) {
        Message m = new Message(topic, (up ? "1" : "0").getBytes(StandardCharsets.US_ASCII), QoS.AT_LEAST_ONCE,
                true, null, client.clientId(), System.currentTimeMillis());
        // A $SYS topic: the node itself speaks, whatever the rules say of the bridge's identity.
        PublishGate.Publisher source = services.gate().source(client.asSuperuser(), description + " (state)");
        services.gate().publish(source, m).whenComplete((v, e) -> {
            if (e != null || !v.accepted()) {
                LOG.warn("{}: its state was not published to '{}': {}", description, LogSafe.escape(topic),
                        e != null ? e.toString() : v);
            }
        });
    }
}
