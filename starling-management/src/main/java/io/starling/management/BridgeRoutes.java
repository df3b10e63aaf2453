package io.starling.management;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.starling.broker.bootstrap.Starling;
import io.starling.broker.bridge.BridgeView;
import java.util.List;
import java.util.Map;

/** The node's bridges to other brokers: their state and counters; stop and start one. */
final class BridgeRoutes {
    private final Starling node;

    BridgeRoutes(Starling node) {
        this.node = node;
    }

    void register(Javalin app) {
        app.get("/api/v5/bridges", ctx -> ctx.json(node.bridges().list().stream().map(BridgeView.Status::toMap)
                .toList()));
        app.get("/api/v5/bridges/{name}", ctx -> ctx.json(one(ctx)));
        app.post("/api/v5/bridges/{name}/stop", ctx -> act(ctx, node.bridges().stop(ctx.pathParam("name"))));
        app.post("/api/v5/bridges/{name}/start", ctx -> act(ctx, node.bridges().start(ctx.pathParam("name"))));
    }

    private Map<String, Object> one(Context ctx) {
        String name = ctx.pathParam("name");
        List<BridgeView.Status> all = node.bridges().list();
        return all.stream().filter(s -> s.name().equals(name)).findFirst().map(BridgeView.Status::toMap)
                .orElseThrow(() -> ApiException.notFound("no bridge '" + name + "'"));
    }

    /** The stop or start is under way on the bridge's thread: the answer says what was asked and the state now. */
    private void act(Context ctx, boolean found) {
        if (!found) {
            throw ApiException.notFound("no bridge '" + ctx.pathParam("name") + "'");
        }
        ctx.json(one(ctx));
    }
}
