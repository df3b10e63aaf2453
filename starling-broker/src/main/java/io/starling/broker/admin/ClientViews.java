package io.starling.broker.admin;

import io.starling.api.ClientInfo;
import io.starling.broker.routing.Subscription;
import io.starling.broker.session.ClientConnection;
import io.starling.broker.session.Session;
import io.starling.broker.session.SessionRegistry;
import io.starling.codec.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Clients, sessions and subscriptions as the management API and {@code starling-ctl} show them: plain maps with
 * EMQX's field names, so that both say the same thing.
 */
public final class ClientViews {
    private ClientViews() {
    }

    /**
     * Which sessions a listing keeps; null fields do not filter. A listener or protocol keeps connected clients only;
     * {@code minQueued} and {@code minInflight} keep the sessions with at least that many messages waiting in their
     * queue or unacknowledged (a backlog), {@code minDropped} those that gave up at least that many.
     */
    public record Query(String clientId, String likeClientId, String username, String ipAddress, Boolean connected,
            String listener, String protoName, Integer minQueued, Integer minInflight, Integer minDropped) {
        public static final Query ALL = new Query(null, null, null, null, null);

        /** By identity, address and state only. */
        public Query(String clientId, String likeClientId, String username, String ipAddress, Boolean connected) {
            this(clientId, likeClientId, username, ipAddress, connected, null, null, null, null, null);
        }

        Predicate<Session> predicate() {
            Predicate<Session> keep = s -> true;
            if (clientId != null) {
                keep = keep.and(s -> s.clientId().equals(clientId));
            }
            if (likeClientId != null) {
                keep = keep.and(s -> s.clientId().contains(likeClientId));
            }
            if (username != null) {
                keep = keep.and(s -> info(s) != null && username.equals(info(s).username()));
            }
            if (ipAddress != null) {
                keep = keep.and(s -> info(s) != null && info(s).remoteAddress() != null
                        && ipAddress.equals(info(s).remoteAddress().getAddress().getHostAddress()));
            }
            if (connected != null) {
                keep = keep.and(s -> s.isOnline() == connected);
            }
            if (listener != null) {
                keep = keep.and(s -> info(s) != null && listener.equals(info(s).listener()));
            }
            if (protoName != null) {
                keep = keep.and(s -> {
                    ClientConnection c = s.connection();
                    return c != null && protoName.equalsIgnoreCase(c.protocolName());
                });
            }
            if (minQueued != null) {
                keep = keep.and(s -> s.queuedCount() >= minQueued);
            }
            if (minInflight != null) {
                keep = keep.and(s -> s.inflightCount() >= minInflight);
            }
            if (minDropped != null) {
                keep = keep.and(s -> s.droppedCount() >= minDropped);
            }
            return keep;
        }
    }

    /** The sessions the query keeps, by client id. */
    public static List<Session> sessions(SessionRegistry registry, Query query) {
        Predicate<Session> keep = query.predicate();
        List<Session> out = new ArrayList<>();
        for (Session s : registry.all()) {
            if (keep.test(s)) {
                out.add(s);
            }
        }
        out.sort(Comparator.comparing(Session::clientId));
        return out;
    }

    private static ClientInfo info(Session s) {
        ClientConnection c = s.connection();
        return c == null ? null : c.client();
    }

    public static Map<String, Object> client(Session s, String nodeName) {
        ClientConnection c = s.connection();
        ClientInfo info = c == null ? null : c.client();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("clientid", s.clientId());
        m.put("node", nodeName);
        m.put("connected", c != null);
        m.put("conn_state", c != null ? "connected" : "disconnected");
        if (info != null) {
            m.put("username", info.username());
            if (info.remoteAddress() != null) {
                m.put("ip_address", info.remoteAddress().getAddress().getHostAddress());
                m.put("port", info.remoteAddress().getPort());
            }
            m.put("proto_name", c.protocolName());
            m.put("proto_ver", info.protocolVersion());
            m.put("listener", info.listener());
            m.put("keepalive", info.keepAliveSeconds());
            m.put("clean_start", info.cleanStart());
            m.put("is_superuser", info.superuser());
            m.put("is_bridge", info.bridge());
            m.put("connected_at", Instant.ofEpochMilli(c.connectedAtMillis()).toString());
        }
        m.put("subscriptions_cnt", s.subscriptionCount());
        m.put("mqueue_len", s.queuedCount());
        m.put("inflight_cnt", s.inflightCount());
        m.put("dropped_cnt", s.droppedCount());
        m.put("expiry_interval", s.expirySeconds());
        return m;
    }

    public static Map<String, Object> session(Session s, String nodeName) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("clientid", s.clientId());
        m.put("node", nodeName);
        m.put("connected", s.isOnline());
        m.put("durable", s.durable());
        m.put("expiry_interval", s.expirySeconds());
        m.put("subscriptions", subscriptions(s, nodeName));
        m.put("mqueue_len", s.queuedCount());
        m.put("inflight_cnt", s.inflightCount());
        m.put("dropped_cnt", s.droppedCount());
        m.put("awaiting_rel_cnt", s.inboundQos2Count());
        return m;
    }

    public static List<Map<String, Object>> subscriptions(Session s, String nodeName) {
        List<Map<String, Object>> out = new ArrayList<>();
        s.subscriptions().forEach((filter, sub) -> out.add(subscription(s.clientId(), filter, sub, nodeName)));
        return out;
    }

    /**
     * Every subscription of the sessions, filtered by client id, exact filter, or a topic the filter matches
     * (null: no filter), by client id.
     */
    public static List<Map<String, Object>> subscriptions(SessionRegistry registry, String clientId, String filter,
            String matchingTopic, String nodeName) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Session s : sessions(registry, Query.ALL)) {
            if (clientId != null && !clientId.equals(s.clientId())) {
                continue;
            }
            s.subscriptions().forEach((f, sub) -> {
                if ((filter == null || filter.equals(f)) && (matchingTopic == null || Topics.matches(f, matchingTopic))) {
                    out.add(subscription(s.clientId(), f, sub, nodeName));
                }
            });
        }
        return out;
    }

    private static Map<String, Object> subscription(String clientId, String filter, Subscription sub,
            String nodeName) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("clientid", clientId);
        m.put("node", nodeName);
        m.put("topic", filter);
        m.put("qos", sub.qos());
        m.put("nl", sub.noLocal() ? 1 : 0);
        m.put("rap", sub.retainAsPublished() ? 1 : 0);
        m.put("rh", sub.retainHandling());
        if (sub.subscriptionId() > 0) {
            m.put("subscription_id", sub.subscriptionId());
        }
        return m;
    }
}
