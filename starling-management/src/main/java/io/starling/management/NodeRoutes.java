package io.starling.management;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.starling.broker.admin.NodeViews;
import io.starling.broker.bootstrap.Starling;
import io.starling.broker.cluster.ClusterView;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The nodes of the cluster and this node: its stats and metrics, its listeners and the configuration in effect. */
final class NodeRoutes {
    private final Starling node;

    NodeRoutes(Starling node) {
        this.node = node;
    }

    void register(Javalin app) {
        app.get("/api/v5/nodes", ctx -> ctx.json(nodes()));
        app.get("/api/v5/nodes/{node}", ctx -> ctx.json(nodes().stream().filter(n -> n.get("node").equals(
                ctx.pathParam("node"))).findFirst().orElseThrow(() -> ApiException.notFound("no node '"
                + ctx.pathParam("node") + "' in the cluster (this is " + node.config().nodeName() + ")"))));
        app.get("/api/v5/cluster", ctx -> ctx.json(ClientRoutes.await(NodeViews.cluster(node))));
        app.get("/api/v5/brokers", ctx -> ctx.json(brokers()));
        app.get("/api/v5/stats", ctx -> ctx.json(NodeViews.dotted(node.stats().snapshot())));
        app.get("/api/v5/metrics", ctx -> ctx.json(NodeViews.dotted(node.metrics().snapshot())));
        app.get("/api/v5/listeners", ctx -> ctx.json(node.listenerStatus()));
        app.post("/api/v5/listeners/{id}/stop", ctx -> listener(ctx, node.stopListener(ctx.pathParam("id"))));
        app.post("/api/v5/listeners/{id}/start", ctx -> listener(ctx, node.startListener(ctx.pathParam("id"))));
        app.get("/api/v5/configs", ctx -> ctx.json(ConfigView.of(node.config())));
    }

    private void listener(Context ctx, boolean found) {
        if (!found) {
            throw ApiException.notFound("no listener '" + ctx.pathParam("id") + "' (ids look like tcp:default)");
        }
        String id = ctx.pathParam("id");
        ctx.json(node.listenerStatus().stream().filter(l -> l.id().equals(id)).findFirst().orElseThrow());
    }

    private List<Map<String, Object>> nodes() {
        return ClientRoutes.await(NodeViews.nodes(node));
    }

    /** The running members, as emqttd's {@code /brokers}. */
    private List<Map<String, Object>> brokers() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ClusterView.Member member : node.cluster().members()) {
            if (!member.state().equals("running")) {
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("node", member.name());
            m.put("version", member.version());
            m.put("sysdescr", "Starling MQTT broker");
            m.put("uptime_seconds", member.startedMillis() > 0
                    ? (System.currentTimeMillis() - member.startedMillis()) / 1000 : null);
            m.put("node_status", member.state());
            if (member.self()) {
                m.put("datetime", LocalDateTime.now(ZoneId.systemDefault()).format(
                        DateTimeFormatter.ISO_LOCAL_DATE_TIME));
            }
            out.add(m);
        }
        out.sort(java.util.Comparator.comparing(m -> (String) m.get("node")));
        return out;
    }
}
