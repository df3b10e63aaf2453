package io.starling.management;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.starling.broker.admin.ClientViews;
import io.starling.broker.bootstrap.Starling;
import io.starling.broker.session.ClientConnection;
import io.starling.broker.session.Session;
import io.starling.codec.MqttProperties;
import io.starling.codec.packet.SubscribePacket;
import io.starling.codec.packet.TopicSubscription;
import io.starling.codec.packet.UnsubscribePacket;
import io.starling.codec.Topics;
import java.util.List;
import java.util.Map;

/** Clients (their connections), sessions and subscriptions: list with filters and paging, show, kick, clear. */
final class ClientRoutes {
    private final Starling node;

    ClientRoutes(Starling node) {
        this.node = node;
    }

    void register(Javalin app) {
        app.get("/api/v5/clients", ctx -> ctx.json(Json.page(ctx, sessions(ctx).stream().map(this::client).toList())));
        app.get("/api/v5/clients/{clientid}", ctx -> ctx.json(client(session(ctx))));
        app.delete("/api/v5/clients/{clientid}", ctx -> {
            ClientConnection c = session(ctx).connection();
            if (c == null) {
                throw ApiException.notFound("client '" + ctx.pathParam("clientid") + "' is not connected");
            }
            c.kick();
            ctx.status(204);
        });
        app.get("/api/v5/clients/{clientid}/subscriptions", ctx -> ctx.json(ClientViews.subscriptions(session(ctx))));
        app.post("/api/v5/clients/{clientid}/subscribe", this::subscribe);
        app.post("/api/v5/clients/{clientid}/unsubscribe", this::unsubscribe);
        app.get("/api/v5/sessions", ctx -> ctx.json(Json.page(ctx, sessions(ctx).stream().map(ClientViews::session).toList())));
        app.get("/api/v5/sessions/{clientid}", ctx -> ctx.json(ClientViews.session(session(ctx))));
        app.delete("/api/v5/sessions/{clientid}", ctx -> {
            if (!node.services().sessions().clear(ctx.pathParam("clientid"))) {
                throw ApiException.notFound("no session '" + ctx.pathParam("clientid") + "'");
            }
            ctx.status(204);
        });
        app.get("/api/v5/subscriptions", this::allSubscriptions);
    }

    private Session session(Context ctx) {
        Session s = node.services().sessions().get(ctx.pathParam("clientid"));
        if (s == null) {
            throw ApiException.notFound("no client '" + ctx.pathParam("clientid") + "'");
        }
        return s;
    }

    /** Sessions by client id, filtered by the query: clientid, like_clientid, username, ip_address, conn_state. */
    private List<Session> sessions(Context ctx) {
        String state = ctx.queryParam("conn_state");
        if (state != null && !state.equals("connected") && !state.equals("disconnected")) {
            throw ApiException.badRequest("conn_state must be connected or disconnected, was '" + state + "'");
        }
        return ClientViews.sessions(node.services().sessions(), new ClientViews.Query(ctx.queryParam("clientid"),
                ctx.queryParam("like_clientid"), ctx.queryParam("username"), ctx.queryParam("ip_address"),
                state == null ? null : state.equals("connected")));
    }

    private Map<String, Object> client(Session s) {
        return ClientViews.client(s, node.config().nodeName());
    }

    private void allSubscriptions(Context ctx) {
        ctx.json(Json.page(ctx, ClientViews.subscriptions(node.services().sessions(), ctx.queryParam("clientid"),
                ctx.queryParam("topic"), ctx.queryParam("match_topic"))));
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

    private ClientConnection connected(Context ctx) {
        ClientConnection c = session(ctx).connection();
        if (c == null) {
            throw ApiException.conflict("client '" + ctx.pathParam("clientid") + "' is not connected");
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
