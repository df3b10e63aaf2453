package io.starling.management;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.starling.broker.admin.NodeViews;
import io.starling.broker.bootstrap.Starling;
import io.starling.broker.bootstrap.Version;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The node, its stats and metrics, its listeners and the configuration in effect. */
final class NodeRoutes {
    private final Starling node;

    NodeRoutes(Starling node) {
        this.node = node;
    }

    void register(Javalin app) {
        app.get("/api/v5/nodes", ctx -> ctx.json(List.of(nodeInfo())));
        app.get("/api/v5/nodes/{node}", ctx -> {
            requireThisNode(ctx.pathParam("node"));
            ctx.json(nodeInfo());
        });
        app.get("/api/v5/brokers", ctx -> ctx.json(List.of(brokerInfo())));
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

    private void requireThisNode(String name) {
        if (!name.equals(node.config().nodeName())) {
            throw ApiException.notFound("no node '" + name + "' (this is " + node.config().nodeName() + ")");
        }
    }

    private Map<String, Object> nodeInfo() {
        return NodeViews.node(node);
    }

    private Map<String, Object> brokerInfo() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", node.config().nodeName());
        m.put("version", Version.current());
        m.put("sysdescr", "Starling MQTT broker");
        m.put("uptime_seconds", (System.currentTimeMillis() - node.startedMillis()) / 1000);
        m.put("datetime", LocalDateTime.now(ZoneId.systemDefault()).format(DateTimeFormatter.ISO_LOCAL_DATE_TIME));
        return m;
    }
}
