package io.starling.broker.admin;

import io.starling.api.Message;
import io.starling.broker.bootstrap.Starling;
import io.starling.broker.bootstrap.Version;
import io.starling.broker.routing.Subscription;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** The node, its topics and its retained messages as the management API and {@code starling-ctl} show them. */
public final class NodeViews {
    private NodeViews() {
    }

    public static Map<String, Object> node(Starling node) {
        Runtime rt = Runtime.getRuntime();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", node.config().nodeName());
        m.put("node_status", "running");
        m.put("version", Version.current());
        m.put("uptime_seconds", (System.currentTimeMillis() - node.startedMillis()) / 1000);
        m.put("started_at", Instant.ofEpochMilli(node.startedMillis()).toString());
        m.put("connections", node.metrics().connectionsOpen());
        m.put("max_connections", node.config().maxConnections());
        m.put("sessions", node.services().sessions().size());
        m.put("heap_used_bytes", rt.totalMemory() - rt.freeMemory());
        m.put("heap_max_bytes", rt.maxMemory());
        m.put("processors", rt.availableProcessors());
        m.put("java_version", System.getProperty("java.version"));
        m.put("storage", node.services().storage().toString());
        return m;
    }

    /** Subscribed filters, sorted; {@code only} (null: all) keeps one filter. */
    public static List<Map<String, Object>> topics(Starling node, String only) {
        TreeSet<String> filters = new TreeSet<>();
        for (Subscription s : node.services().router().subscriptions()) {
            if (only == null || only.equals(s.topicFilter())) {
                filters.add(s.topicFilter());
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (String f : filters) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("topic", f);
            m.put("node", node.config().nodeName());
            out.add(m);
        }
        return out;
    }

    /** A page of retained messages, and whether more match. */
    public record RetainedPage(List<Map<String, Object>> messages, boolean more) {
    }

    /** Up to {@code limit} retained messages matching {@code filter} after skipping {@code skip}: walked, never read whole. */
    public static RetainedPage retained(Starling node, String filter, long skip, int limit) {
        Iterator<Message> it = node.services().retained().matching(filter);
        List<Map<String, Object>> out = new ArrayList<>();
        long seen = 0;
        while (it.hasNext() && out.size() < limit) {
            Message m = it.next();
            if (seen++ >= skip) {
                out.add(retainedSummary(m));
            }
        }
        return new RetainedPage(out, it.hasNext());
    }

    public static Map<String, Object> retainedSummary(Message m) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("topic", m.topic());
        s.put("qos", m.qos().value());
        s.put("published_at", Instant.ofEpochMilli(m.createdAtMillis()).toString());
        if (m.properties().messageExpirySeconds() != null) {
            s.put("message_expiry_interval", m.properties().messageExpirySeconds());
        }
        return s;
    }

    /** {@code connections/count} as {@code connections.count}, as EMQX's API names them. */
    public static Map<String, Long> dotted(Map<String, Long> slashed) {
        Map<String, Long> out = new LinkedHashMap<>();
        slashed.forEach((k, v) -> out.put(k.replace('/', '.'), v));
        return out;
    }
}
