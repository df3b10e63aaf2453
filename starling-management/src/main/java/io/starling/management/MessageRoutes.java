package io.starling.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.starling.api.Message;
import io.starling.api.MessageProperties;
import io.starling.api.QoS;
import io.starling.api.UserProperty;
import io.starling.broker.admin.NodeViews;
import io.starling.api.ClientInfo;
import io.starling.broker.bootstrap.Starling;
import io.starling.broker.routing.PublishGate;
import io.starling.codec.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** HTTP publish (one and many), topics and routes, and the retained messages (list, show, delete). */
final class MessageRoutes {
    private static final int MAX_BATCH = 1000;
    private final Starling node;

    MessageRoutes(Starling node) {
        this.node = node;
    }

    void register(Javalin app) {
        app.post("/api/v5/publish", ctx -> ctx.json(publish(ctx, Json.object(ctx))));
        app.post("/api/v5/publish/bulk", this::bulk);
        app.get("/api/v5/topics", ctx -> ctx.json(Json.page(ctx, topics(ctx))));
        app.get("/api/v5/routes", ctx -> ctx.json(Json.page(ctx, topics(ctx))));
        app.get("/api/v5/retained", this::retained);
        app.get("/api/v5/retained/<topic>", this::retainedMessage);
        app.delete("/api/v5/retained/<topic>", ctx -> {
            String topic = ctx.pathParam("topic");
            if (Topics.isValidTopicName(topic) && node.services().retained().removeIfPresent(topic)) {
                ctx.status(204);
            } else {
                throw ApiException.notFound("no retained message on '" + topic + "'");
            }
        });
    }

    private void bulk(Context ctx) throws Exception {
        JsonNode body = Json.parse(ctx);
        if (!(body instanceof ArrayNode array)) {
            throw ApiException.badRequest("the body must be a JSON array of messages");
        }
        if (array.size() > MAX_BATCH) {
            throw ApiException.badRequest("at most " + MAX_BATCH + " messages in one request, got " + array.size());
        }
        List<ObjectNode> messages = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            if (!(array.get(i) instanceof ObjectNode o)) {
                throw ApiException.badRequest("message " + i + " is not a JSON object");
            }
            messages.add(o);
        }
        // All are checked before any is published: a bad one in the middle sends none.
        List<Message> parsed = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            try {
                parsed.add(message(messages.get(i)));
            } catch (ApiException e) {
                throw ApiException.badRequest("message " + i + ": " + e.getMessage());
            }
        }
        PublishGate.Publisher source = source(ctx);
        List<Map<String, Object>> out = new ArrayList<>();
        for (Message m : parsed) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("topic", m.topic());
            try {
                r.put("delivered_to", publish(source, m));
            } catch (ApiException e) {
                r.put("delivered_to", 0);
                r.put("code", e.code());
                r.put("message", e.getMessage());
            }
            out.add(r);
        }
        ctx.json(out);
    }

    private Map<String, Object> publish(Context ctx, ObjectNode body) throws Exception {
        Message m = message(body);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("topic", m.topic());
        r.put("delivered_to", publish(source(ctx), m));
        return r;
    }

    /** An administrator publishes as a superuser, through the same gate as every client: hooks, quotas, counting. */
    private PublishGate.Publisher source(Context ctx) {
        String who = ctx.attribute("who");
        ClientInfo admin = new ClientInfo("$api", who, null, 5, "management").asSuperuser();
        return node.services().gate().source(admin, "management API (" + io.starling.codec.LogSafe.escape(who) + ")");
    }

    /** How many destinations the message reached; refusals throw. */
    private int publish(PublishGate.Publisher source, Message m) throws Exception {
        PublishGate.Verdict verdict = node.services().gate().publish(source, m).get(30, TimeUnit.SECONDS);
        return switch (verdict) {
            case ROUTED -> source.destinations();
            case NO_SUBSCRIBERS, STOPPED_BY_HOOK, DELAYED, SOURCE_CLOSED -> 0;
            case NOT_AUTHORIZED -> throw new ApiException(403, "NOT_AUTHORIZED", "not authorized to publish to '"
                    + m.topic() + "'");
            case RETAINED_QUOTA -> throw new ApiException(409, "QUOTA_EXCEEDED", "the retained message limits"
                    + " (mqtt.max_retained_messages, mqtt.max_retained_payload_size) refuse it");
            case DELAYED_QUOTA -> throw new ApiException(409, "QUOTA_EXCEEDED", "too many delayed messages wait");
            case NOT_SUPPORTED -> throw new ApiException(400, "NOT_SUPPORTED", "the node does not support it (QoS"
                    + " above mqtt.max_qos, retain while mqtt.retain_available is off, or more levels than"
                    + " mqtt.max_topic_levels)");
            case STORAGE_UNAVAILABLE -> throw new ApiException(503, "STORAGE_UNAVAILABLE",
                    "the storage cannot take QoS 1/2 messages now (see the node's log)");
        };
    }

    /**
     * {@code topic}, {@code payload}, {@code payload_encoding} (plain or base64), {@code qos}, {@code retain},
     * {@code properties}: payload_format_indicator, message_expiry_interval, content_type, response_topic,
     * correlation_data, user_properties (an object).
     */
    private static Message message(ObjectNode body) {
        String topic = Json.text(body, "topic");
        if (!Topics.isValidTopicName(topic)) {
            throw ApiException.badRequest("'" + topic + "' is not a valid topic name (no wildcards, not empty)");
        }
        String payload = Json.text(body, "payload", "");
        String encoding = Json.text(body, "payload_encoding", "plain");
        byte[] bytes;
        switch (encoding) {
            case "plain" -> bytes = payload.getBytes(StandardCharsets.UTF_8);
            case "base64" -> {
                try {
                    bytes = Base64.getDecoder().decode(payload);
                } catch (IllegalArgumentException e) {
                    throw ApiException.badRequest("'payload' is not Base64: " + e.getMessage());
                }
            }
            default -> throw ApiException.badRequest("payload_encoding must be plain or base64, was '" + encoding + "'");
        }
        int qos = Json.integer(body, "qos", 0, 0, 2);
        boolean retain = Json.bool(body, "retain", false);
        JsonNode p = body.get("properties");
        MessageProperties props = MessageProperties.NONE;
        if (p != null && !p.isNull()) {
            if (!(p instanceof ObjectNode po)) {
                throw ApiException.badRequest("'properties' must be an object");
            }
            props = properties(po);
        }
        return new Message(topic, bytes, QoS.values()[qos], retain, props, null, System.currentTimeMillis());
    }

    private static MessageProperties properties(ObjectNode p) {
        Integer format = p.has("payload_format_indicator") ? Json.integer(p, "payload_format_indicator", 0, 0, 1) : null;
        Long expiry = null;
        JsonNode e = p.get("message_expiry_interval");
        if (e != null && !e.isNull()) {
            if (!e.isIntegralNumber() || e.asLong() < 0 || e.asLong() > 0xFFFFFFFFL) {
                throw ApiException.badRequest("'message_expiry_interval' must be seconds from 0 to 4294967295");
            }
            expiry = e.asLong();
        }
        String responseTopic = Json.text(p, "response_topic", null);
        if (responseTopic != null && !Topics.isValidTopicName(responseTopic)) {
            throw ApiException.badRequest("'response_topic' is not a valid topic name");
        }
        String correlation = Json.text(p, "correlation_data", null);
        List<UserProperty> user = new ArrayList<>();
        JsonNode u = p.get("user_properties");
        if (u != null && !u.isNull()) {
            if (!(u instanceof ObjectNode uo)) {
                throw ApiException.badRequest("'user_properties' must be an object of names to strings");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = uo.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> kv = it.next();
                if (!kv.getValue().isTextual()) {
                    throw ApiException.badRequest("user property '" + kv.getKey() + "' must be a string");
                }
                user.add(new UserProperty(kv.getKey(), kv.getValue().asText()));
            }
        }
        return new MessageProperties(format, expiry, Json.text(p, "content_type", null), responseTopic,
                correlation == null ? null : correlation.getBytes(StandardCharsets.UTF_8), user);
    }

    private List<Map<String, Object>> topics(Context ctx) {
        return NodeViews.topics(node, ctx.queryParam("topic"));
    }

    private void retained(Context ctx) {
        String filter = ctx.queryParam("topic") == null ? "#" : ctx.queryParam("topic");
        if (!Topics.isValidTopicFilter(filter)) {
            throw ApiException.badRequest("'" + filter + "' is not a valid topic filter");
        }
        int page = Json.queryInt(ctx, "page", 1, 1, Integer.MAX_VALUE);
        int limit = Json.queryInt(ctx, "limit", 100, 1, 10_000);
        NodeViews.RetainedPage found = NodeViews.retained(node, filter, (long) (page - 1) * limit, limit);
        ctx.json(Json.envelope(found.messages(), page, limit, "hasnext", found.more()));
    }

    private void retainedMessage(Context ctx) throws Exception {
        String topic = ctx.pathParam("topic");
        if (!Topics.isValidTopicName(topic)) {
            throw ApiException.badRequest("'" + topic + "' is not a topic name");
        }
        Message entry = node.services().retained().entry(topic)
                .orElseThrow(() -> ApiException.notFound("no retained message on '" + topic + "'"));
        List<Message> loaded = node.services().retained().load(List.of(entry)).toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        if (loaded.isEmpty()) {
            throw ApiException.notFound("no retained message on '" + topic + "'");
        }
        Message m = loaded.get(0);
        Map<String, Object> out = NodeViews.retainedSummary(m);
        out.put("payload", Base64.getEncoder().encodeToString(m.payload()));
        out.put("payload_size", m.payload().length);
        if (m.properties().contentType() != null) {
            out.put("content_type", m.properties().contentType());
        }
        if (!m.properties().userProperties().isEmpty()) {
            Map<String, String> user = new LinkedHashMap<>();
            m.properties().userProperties().forEach(u -> user.put(u.name(), u.value()));
            out.put("user_properties", user);
        }
        ctx.json(out);
    }
}
