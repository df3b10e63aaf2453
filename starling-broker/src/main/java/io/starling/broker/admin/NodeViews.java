package io.starling.broker.admin;

import io.starling.api.Message;
import io.starling.broker.bootstrap.Starling;
import io.starling.broker.bootstrap.Version;
import io.starling.broker.cluster.ClusterAdmin;
import io.starling.broker.cluster.ClusterView;
import io.starling.broker.routing.SharedGroup;
import io.starling.broker.routing.Subscription;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;

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

    /** One member of the cluster as {@code /api/v5/nodes} and {@code starling-ctl cluster status} show it. */
    public static Map<String, Object> member(ClusterView.Member member) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", member.name());
        m.put("node_status", member.state());
        m.put("version", member.version());
        if (member.startedMillis() > 0 && member.state().equals("running")) {
            m.put("uptime_seconds", (System.currentTimeMillis() - member.startedMillis()) / 1000);
            m.put("started_at", Instant.ofEpochMilli(member.startedMillis()).toString());
        }
        m.put("connections", member.connections());
        m.put("address", member.address());
        m.put("self", member.self());
        return m;
    }

    /** This node's link to another member: state and counters. */
    public static Map<String, Object> link(ClusterAdmin.Link link) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("peer", link.peer());
        m.put("link", link.up() ? "up" : "down");
        m.put("forwarded", link.forwarded());
        m.put("forwarded_bytes", link.forwardedBytes());
        m.put("dropped", link.dropped());
        m.put("received", link.received());
        m.put("reconnects", link.reconnects());
        m.put("route_rows", link.routeRows());
        m.put("takeovers", link.takeovers());
        m.put("takeover_ms", link.takeoverMillis());
        return m;
    }

    /**
     * Every member of the cluster by name: what each running one says of itself now (as {@link #node}), and for
     * one that did not answer or has stopped, what this node last heard from it (as {@link #member}).
     */
    public static CompletionStage<List<Map<String, Object>>> nodes(Starling node) {
        ClusterView view = node.cluster();
        return view.admin().list(ClusterAdmin.Listing.of(ClusterAdmin.Listing.Kind.NODES, null, 10_000))
                .thenApply(answered -> {
                    Map<String, Map<String, Object>> byName = new TreeMap<>();
                    answered.rows().forEach(r -> byName.put((String) r.get("node"), r));
                    for (ClusterView.Member m : view.members()) {
                        byName.putIfAbsent(m.name(), member(m));
                    }
                    return List.copyOf(byName.values());
                });
    }

    /** The cluster as this node sees it: its name, whether it is on, the members ({@link #nodes}), its links. */
    public static CompletionStage<Map<String, Object>> cluster(Starling node) {
        ClusterView view = node.cluster();
        ClusterAdmin admin = view.admin();
        return nodes(node).thenApply(members -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", view.name());
            m.put("enabled", view.enabled());
            m.put("node", node.config().nodeName());
            m.put("members", members);
            m.put("local_route_rows", admin.localRouteRows());
            m.put("links", admin.links().stream().map(NodeViews::link).toList());
            return m;
        });
    }

    /**
     * The route table: one row per filter (a shared group as {@code $share/group/filter}) and node that holds it,
     * this node's and, in a cluster, the other nodes' it keeps, sorted by filter and node; {@code only} (null:
     * all) keeps one filter.
     */
    public static List<Map<String, Object>> topics(Starling node, String only) {
        String self = node.config().nodeName();
        TreeSet<List<String>> rows = new TreeSet<>(java.util.Comparator.<List<String>, String>comparing(r -> r.get(0))
                .thenComparing(r -> r.get(1)));
        for (Subscription s : node.services().router().subscriptions()) {
            if (s.destination() instanceof SharedGroup g) {
                String topic = "$share/" + g.group() + "/" + g.topicFilter();
                if (only == null || only.equals(topic) || only.equals(g.topicFilter())) {
                    g.members().forEach(m -> rows.add(List.of(topic, nodeOf(m, self))));
                }
            } else if (only == null || only.equals(s.topicFilter())) {
                rows.add(List.of(s.topicFilter(), nodeOf(s, self)));
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (List<String> r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("topic", r.get(0));
            m.put("node", r.get(1));
            out.add(m);
        }
        return out;
    }

    private static String nodeOf(Subscription s, String self) {
        String remote = s.destination().remote() ? s.destination().node() : null;
        return remote != null ? remote : self;
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
