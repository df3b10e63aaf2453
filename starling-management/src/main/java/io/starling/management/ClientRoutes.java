package io.starling.management;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.starling.broker.admin.ClientViews;
import io.starling.broker.bootstrap.Starling;
import io.starling.broker.cluster.ClusterAdmin;
import io.starling.broker.cluster.ClusterAdmin.Act;
import io.starling.broker.cluster.ClusterAdmin.Acted;
import io.starling.broker.cluster.ClusterAdmin.Listing;
import io.starling.broker.cluster.ClusterAdmin.Listing.Kind;
import io.starling.broker.cluster.ClusterAdmin.Page;
import io.starling.broker.session.ClientConnection;
import io.starling.broker.session.Session;
import io.starling.codec.MqttProperties;
import io.starling.codec.packet.SubscribePacket;
import io.starling.codec.packet.TopicSubscription;
import io.starling.codec.packet.UnsubscribePacket;
import io.starling.codec.Topics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Clients (their connections), sessions and subscriptions of every node of the cluster, each row with its node: list
 * with filters and paging, show, kick and clear wherever the client is.
 */
final class ClientRoutes {
    private final Starling node;

    ClientRoutes(Starling node) {
        this.node = node;
    }

    void register(Javalin app) {
        app.get("/api/v5/clients", ctx -> ctx.json(list(ctx, Kind.CLIENTS, query(ctx), null, null)));
        app.get("/api/v5/clients/{clientid}", ctx -> ctx.json(one(ctx, Kind.CLIENTS)));
        app.delete("/api/v5/clients/{clientid}", ctx -> act(ctx, Act.KICK, "client '" + ctx.pathParam("clientid")
                + "' is not connected"));
        app.get("/api/v5/clients/{clientid}/subscriptions", ctx -> ctx.json(one(ctx, Kind.SESSIONS)
                .get("subscriptions")));
        app.post("/api/v5/clients/{clientid}/subscribe", this::subscribe);
        app.post("/api/v5/clients/{clientid}/unsubscribe", this::unsubscribe);
        app.get("/api/v5/sessions", ctx -> ctx.json(list(ctx, Kind.SESSIONS, query(ctx), null, null)));
        app.get("/api/v5/sessions/{clientid}", ctx -> ctx.json(one(ctx, Kind.SESSIONS)));
        app.delete("/api/v5/sessions/{clientid}", ctx -> act(ctx, Act.CLEAR_SESSION, "no session '"
                + ctx.pathParam("clientid") + "'"));
        app.get("/api/v5/subscriptions", ctx -> ctx.json(list(ctx, Kind.SUBSCRIPTIONS, new ClientViews.Query(
                ctx.queryParam("clientid"), null, null, null, null), ctx.queryParam("topic"),
                ctx.queryParam("match_topic"))));
    }

    /** A page of the listing, every node's rows merged in order. */
    private Map<String, Object> list(Context ctx, Kind kind, ClientViews.Query query, String topic, String matchTopic) {
        Json.Paging paging = Json.paging(ctx);
        return Json.page(paging, await(node.cluster().admin().list(new Listing(kind, query, topic, matchTopic,
                paging.upTo()))));
    }

    /** The row of the client in the path, on whichever node holds it. */
    private Map<String, Object> one(Context ctx, Kind kind) {
        String id = ctx.pathParam("clientid");
        Page page = await(node.cluster().admin().list(Listing.of(kind, new ClientViews.Query(id, null, null, null,
                null), 1)));
        if (page.rows().isEmpty()) {
            throw unanswered(page.failed(), ApiException.notFound("no client '" + id + "'"));
        }
        return page.rows().get(0);
    }

    /** Kicks or clears the client in the path wherever it is: 204 when a node did it. */
    private void act(Context ctx, Act act, String none) {
        Acted done = await(node.cluster().admin().act(act, ctx.pathParam("clientid")));
        if (done.nodes().isEmpty()) {
            throw unanswered(done.failed(), ApiException.notFound(none));
        }
        ctx.status(204);
    }

    /** Not found, unless a node that might hold it did not answer: then 503, naming the node. */
    private static ApiException unanswered(Map<String, String> failed, ApiException notFound) {
        if (failed.isEmpty()) {
            return notFound;
        }
        return new ApiException(503, "NODE_UNAVAILABLE", notFound.getMessage() + " on the nodes that answered; "
                + String.join(", ", failed.keySet()) + " did not: " + String.join("; ", failed.values()));
    }

    /** What the cluster answers; 503 when it does not. */
    static <T> T await(CompletionStage<T> answer) {
        try {
            return ClusterAdmin.await(answer);
        } catch (ClusterAdmin.Unanswered e) {
            throw new ApiException(503, "NODE_UNAVAILABLE", e.getMessage());
        }
    }

    /**
     * Filtered by the query: clientid, like_clientid, username, ip_address, conn_state, listener, proto_name,
     * min_queued, min_inflight, min_dropped (an empty parameter does not filter, as a form's empty field sends it).
     */
    private static ClientViews.Query query(Context ctx) {
        String state = param(ctx, "conn_state");
        if (state != null && !state.equals("connected") && !state.equals("disconnected")) {
            throw ApiException.badRequest("conn_state must be connected or disconnected, was '" + state + "'");
        }
        return new ClientViews.Query(ctx.queryParam("clientid"), param(ctx, "like_clientid"),
                param(ctx, "username"), param(ctx, "ip_address"), state == null ? null : state.equals("connected"),
                param(ctx, "listener"), param(ctx, "proto_name"), atLeast(ctx, "min_queued"),
                atLeast(ctx, "min_inflight"), atLeast(ctx, "min_dropped"));
    }

    private static String param(Context ctx, String name) {
        String v = ctx.queryParam(name);
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static Integer atLeast(Context ctx, String name) {
        String v = param(ctx, name);
        if (v == null) {
            return null;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // Answered below.
        }
        throw ApiException.badRequest(name + " must be a whole number of 0 or more, was '" + v + "'");
    }

    /** {@code {"topic": "a/b", "qos": 1, "nl": 0, "rap": 0, "rh": 0}}: as the client's own SUBSCRIBE would. */
    private void subscribe(Context ctx) {
        ClientConnection c = connected(ctx);
        ObjectNode body = Json.object(ctx);
        String topic = filter(Json.text(body, "topic"));
        TopicSubscription t = new TopicSubscription(topic, Json.integer(body, "qos", 0, 0, 2),
                Json.integer(body, "nl", 0, 0, 1) == 1, Json.integer(body, "rap", 0, 0, 1) == 1,
                Json.integer(body, "rh", 0, 0, 2));
        c.onBehalf(new SubscribePacket(0, List.of(t), MqttProperties.NONE));
        ctx.status(202).json(Map.of("clientid", ctx.pathParam("clientid"), "topic", topic, "qos", t.qos()));
    }

    private void unsubscribe(Context ctx) {
        ClientConnection c = connected(ctx);
        String topic = filter(Json.text(Json.object(ctx), "topic"));
        c.onBehalf(new UnsubscribePacket(0, List.of(topic), MqttProperties.NONE));
        ctx.status(202).json(Map.of("clientid", ctx.pathParam("clientid"), "topic", topic));
    }

    /**
     * The connection of the client in the path, on this node: a subscription on a client's behalf is made by the
     * node that holds it, so a client on another node is named with its node.
     */
    private ClientConnection connected(Context ctx) {
        String id = ctx.pathParam("clientid");
        Session s = node.services().sessions().get(id);
        ClientConnection c = s == null ? null : s.connection();
        if (c == null) {
            Map<String, Object> elsewhere = one(ctx, Kind.CLIENTS);
            if (Boolean.TRUE.equals(elsewhere.get("connected")) && !node.config().nodeName().equals(elsewhere.get(
                    "node"))) {
                throw ApiException.conflict("client '" + id + "' is connected to node " + elsewhere.get("node")
                        + ": ask that node's API");
            }
            throw ApiException.conflict("client '" + id + "' is not connected");
        }
        return c;
    }

    private static String filter(String topic) {
        if (!Topics.isValidTopicFilter(topic)) {
            throw ApiException.badRequest("'" + topic + "' is not a valid topic filter");
        }
        return topic;
    }
}
