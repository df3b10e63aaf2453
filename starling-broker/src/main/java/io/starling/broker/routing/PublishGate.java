package io.starling.broker.routing;

import io.starling.api.ClientInfo;
import io.starling.api.Message;
import io.starling.api.auth.Authorizer.Action;
import io.starling.api.hook.HookListener.DropReason;
import io.starling.broker.config.MqttConfig;
import io.starling.broker.hook.Hooks;
import io.starling.broker.metrics.BrokerMetrics;
import io.starling.broker.module.DelayedPublisher;
import io.starling.broker.retain.RetainedMessages;
import io.starling.broker.security.AuthorizationChain;
import io.starling.broker.storage.NodeStorage;
import io.starling.codec.LogSafe;
import io.starling.codec.Topics;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way a message enters the node, whoever sends it: a client's PUBLISH, a will, the HTTP API, a plugin,
 * and later bridges, the cluster and STOMP. In order: the publish interceptors, authorization of the topic they
 * return, the limits (storage, retained and delayed quotas), the {@code published} hook, then the dispatcher,
 * which counts and routes. A message that completes here at once allocates nothing for its verdict.
 */
public final class PublishGate {
    private static final Logger LOG = LoggerFactory.getLogger(PublishGate.class);

    /** What became of a message. */
    public enum Verdict {
        /** Routed to at least one destination. */
        ROUTED,
        /** Accepted; no subscriber matched. */
        NO_SUBSCRIBERS,
        /** Accepted for a delayed publish. */
        DELAYED,
        /** A publish interceptor stopped it: the publisher is answered as for an accepted message. */
        STOPPED_BY_HOOK,
        NOT_AUTHORIZED,
        /** A QoS 1/2 or retained message while the storage cannot take it. */
        STORAGE_UNAVAILABLE,
        /** A retained message over the retained quota (count or payload size). */
        RETAINED_QUOTA,
        /** Too many delayed messages wait already (on the node or from this client). */
        DELAYED_QUOTA,
        /**
         * Beyond what the node supports: a QoS above {@code mqtt.max_qos}, a retained message while
         * {@code mqtt.retain_available} is off, or more levels than {@code mqtt.max_topic_levels}.
         */
        NOT_SUPPORTED,
        /** The source closed while the message waited for a decision: nothing was routed. */
        SOURCE_CLOSED;

        private final CompletableFuture<Verdict> done = CompletableFuture.completedFuture(this);

        /** Whether the publisher is told its message was taken (MQTT reason below 0x80). */
        public boolean accepted() {
            return this == ROUTED || this == NO_SUBSCRIBERS || this == DELAYED || this == STOPPED_BY_HOOK;
        }
    }

    /** Who publishes: its identity, how its decisions are made, and where to carry on after a wait. */
    public interface Source {
        ClientInfo client();

        /** Whether the source may publish to the topic; a connection answers from its cache when it can. */
        CompletableFuture<Boolean> authorize(Action action, String topic);

        /** Where the rest runs after an asynchronous hook or authorizer. */
        Executor executor();

        /** False once the source closed: a message that waited for it is not routed. */
        boolean open();

        /** Told of destinations that fall behind; null when the source cannot be held back. */
        Congestion congestion();

        /** How log lines name the source. */
        String describe();

        /** The message was handed to this many destinations. */
        default void routed(int destinations) {
        }
    }

    private final Hooks hooks;
    private final AuthorizationChain authorization;
    private final NodeStorage storage;
    private final RetainedMessages retained;
    private final DelayedPublisher delayed;
    private final MessageDispatcher dispatcher;
    private final BrokerMetrics metrics;
    private final Supplier<MqttConfig> limits;

    /** {@code delayed} is null when delayed publish is off; {@code limits} gives the limits in force now. */
    public PublishGate(Hooks hooks, AuthorizationChain authorization, NodeStorage storage, RetainedMessages retained,
            DelayedPublisher delayed, MessageDispatcher dispatcher, BrokerMetrics metrics, Supplier<MqttConfig> limits) {
        this.limits = limits;
        this.hooks = hooks;
        this.authorization = authorization;
        this.storage = storage;
        this.retained = retained;
        this.delayed = delayed;
        this.dispatcher = dispatcher;
        this.metrics = metrics;
    }

    /** A source that is not a connection (a will, the HTTP API, a plugin): asks the authorizers each time. */
    public Publisher source(ClientInfo client, String description) {
        return new Publisher(client, description, authorization);
    }

    /** Publishes now; see {@link #publish(Source, Message, long)}. */
    public CompletableFuture<Verdict> publish(Source source, Message message) {
        return publish(source, message, -1);
    }

    /**
     * Takes the message through the gate. {@code delaySeconds} is -1 to route it now, else how long it waits
     * ({@code $delayed/...}, already parsed). Completes on the source's executor when a step was asynchronous.
     */
    public CompletableFuture<Verdict> publish(Source source, Message message, long delaySeconds) {
        if (!hooks.interceptsPublish()) {
            return authorize(source, message, delaySeconds);
        }
        // Interceptors first, authorization on what they return: a hook cannot reach a topic the rules forbid.
        CompletableFuture<Message> intercepted = hooks.publish(source.client(), message);
        if (intercepted.isDone()) {
            return authorize(source, intercepted.join(), delaySeconds);
        }
        return intercepted.thenComposeAsync(m -> source.open() ? authorize(source, m, delaySeconds)
                : Verdict.SOURCE_CLOSED.done, source.executor());
    }

    /** A will, when it fires: through the gate as its client, counted from now for its expiry (MQTT 5 3.1.3.2.4). */
    public void publishWill(ClientInfo owner, Message will) {
        Message now = will.withCreatedAt(System.currentTimeMillis());
        Source source = source(owner, "will of client '" + LogSafe.escape(owner.clientId()) + "'");
        publish(source, now).whenComplete((verdict, e) -> {
            if (e != null) {
                LOG.warn("{} to '{}' not published: {}", source.describe(), LogSafe.escape(will.topic()), e.toString());
            } else if (!verdict.accepted() && verdict != Verdict.NOT_AUTHORIZED) {
                LOG.info("{} to '{}' not published: {}", source.describe(), LogSafe.escape(will.topic()), verdict);
            }
        });
    }

    private CompletableFuture<Verdict> authorize(Source source, Message message, long delaySeconds) {
        if (message == null) {
            metrics.messageDropped(DropReason.STOPPED_BY_HOOK);
            return Verdict.STOPPED_BY_HOOK.done;
        }
        if (!Topics.isValidTopicName(message.topic())) {
            LOG.warn("{}: a publish hook made the topic '{}', which is not a valid topic name; message dropped",
                    source.describe(), LogSafe.escape(message.topic()));
            metrics.messageDropped(DropReason.STOPPED_BY_HOOK);
            return Verdict.STOPPED_BY_HOOK.done;
        }
        // An MQTT connection checks these before (it closes on them); other ways in (STOMP, bridges, the HTTP API)
        // meet them here.
        String unsupported = unsupported(message);
        if (unsupported != null) {
            LOG.info("{}: PUBLISH to '{}' refused: {}", source.describe(), LogSafe.escape(message.topic()),
                    unsupported);
            metrics.messageDropped(DropReason.QUOTA_EXCEEDED);
            return Verdict.NOT_SUPPORTED.done;
        }
        CompletableFuture<Boolean> allowed = source.authorize(Action.PUBLISH, message.topic());
        if (allowed.isDone()) {
            return admit(source, message, !allowed.isCompletedExceptionally() && allowed.join(), delaySeconds).done;
        }
        return allowed.exceptionally(e -> false).thenApplyAsync(
                ok -> source.open() ? admit(source, message, ok, delaySeconds) : Verdict.SOURCE_CLOSED,
                source.executor());
    }

    private String unsupported(Message message) {
        MqttConfig mqtt = limits.get();
        if (message.qos().value() > mqtt.maxQos()) {
            return "QoS " + message.qos().value() + " is above mqtt.max_qos (" + mqtt.maxQos() + ")";
        }
        if (message.retain() && !mqtt.retainAvailable()) {
            return "retained messages are off (mqtt.retain_available)";
        }
        if (Topics.levels(message.topic()) > mqtt.maxTopicLevels()) {
            return "the topic has more than mqtt.max_topic_levels (" + mqtt.maxTopicLevels() + ") levels";
        }
        return null;
    }

    private Verdict admit(Source source, Message message, boolean allowed, long delaySeconds) {
        String topic = message.topic();
        if ((message.qos().value() > 0 || message.retain()) && !storage.writable()) {
            // The storage cannot take the message (a full disk): refuse rather than acknowledge what may be lost. A
            // retained QoS 0 message would replace the stored one on the heap only, and wait there for the disk.
            LOG.warn("{}: PUBLISH to '{}' refused: storage is not writable", source.describe(), LogSafe.escape(topic));
            return Verdict.STORAGE_UNAVAILABLE;
        }
        if (!allowed) {
            LOG.info("{}: not authorized to publish to '{}'", source.describe(), LogSafe.escape(topic));
            metrics.messageDropped(DropReason.NOT_AUTHORIZED);
            return Verdict.NOT_AUTHORIZED;
        }
        // Checked for a delayed message too (it is retained when it is due), and again then.
        String overQuota = retainedQuotaProblem(message);
        if (overQuota != null) {
            refusedRetained(source.describe(), message, overQuota);
            return Verdict.RETAINED_QUOTA;
        }
        if (delaySeconds >= 0) {
            if (delayed == null || !delayed.schedule(message, delaySeconds)) {
                LOG.warn("{}: delayed PUBLISH to '{}' refused: too many delayed messages wait already",
                        source.describe(), LogSafe.escape(topic));
                metrics.messageDropped(DropReason.QUOTA_EXCEEDED);
                return Verdict.DELAYED_QUOTA;
            }
            hooks.published(source.client(), message);
            return Verdict.DELAYED;
        }
        hooks.published(source.client(), message);
        int destinations = dispatcher.publish(message, source.congestion());
        source.routed(destinations);
        return destinations == 0 ? Verdict.NO_SUBSCRIBERS : Verdict.ROUTED;
    }

    /**
     * A message another node of the cluster forwarded. It went through this gate on the node it entered (its
     * publisher authorized, the hooks and limits applied, counted there as received), so here it is only delivered
     * to this node's own subscribers: running the interceptors again would rewrite or count it twice. Returns the
     * number of local destinations.
     */
    public int deliverForwarded(Message message, String sharedGroup, String sharedFilter, Congestion congestion) {
        return dispatcher.deliverForwarded(message, sharedGroup, sharedFilter, congestion);
    }

    /**
     * A delayed message that is due: it passed the gate when it was published; the limits are checked again, as
     * the retained set and the storage may have changed while it waited.
     */
    public void publishDue(Message message) {
        if (message.retain() && !storage.writable()) {
            LOG.warn("delayed retained message to '{}' dropped: storage is not writable", LogSafe.escape(message.topic()));
            metrics.messageDropped(DropReason.QUOTA_EXCEEDED);
            return;
        }
        String overQuota = retainedQuotaProblem(message);
        if (overQuota != null) {
            refusedRetained("delayed message of '" + LogSafe.escape(String.valueOf(message.publisherId())) + "'",
                    message, overQuota);
            return;
        }
        dispatcher.publish(message);
    }

    /** Why the message may not be retained now, or null (always null for one that is not retained). */
    private String retainedQuotaProblem(Message message) {
        return message.retain() ? retained.quotaProblem(message, limits.get()) : null;
    }

    private void refusedRetained(String who, Message message, String problem) {
        LOG.warn("{}: retained PUBLISH to '{}' refused: {}", who, LogSafe.escape(message.topic()), problem);
        metrics.messageDropped(DropReason.QUOTA_EXCEEDED);
    }

    /** A source that is not a connection: no cache, no back-pressure, continues on the thread that decided. */
    public static final class Publisher implements Source {
        private final ClientInfo client;
        private final String description;
        private final AuthorizationChain chain;
        private volatile int destinations;

        private Publisher(ClientInfo client, String description, AuthorizationChain chain) {
            this.client = client;
            this.description = description;
            this.chain = chain;
        }

        @Override
        public ClientInfo client() {
            return client;
        }

        @Override
        public CompletableFuture<Boolean> authorize(Action action, String topic) {
            return chain.authorize(client, action, topic);
        }

        @Override
        public Executor executor() {
            return Runnable::run;
        }

        @Override
        public boolean open() {
            return true;
        }

        @Override
        public Congestion congestion() {
            return null;
        }

        @Override
        public String describe() {
            return description;
        }

        @Override
        public void routed(int count) {
            destinations = count;
        }

        /** How many destinations the last message this source published reached. */
        public int destinations() {
            return destinations;
        }
    }
}
