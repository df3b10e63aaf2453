package io.starling.management;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.starling.broker.config.AccessRules;
import io.starling.broker.config.TrustedProxies;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON in and out: a request body read with a clear 400 when it is not what the endpoint takes, and paging. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper().registerModule(new JavaTimeModule())
            .registerModule(new SimpleModule().addSerializer(AccessRules.class, ToStringSerializer.instance)
                    .addSerializer(TrustedProxies.class, ToStringSerializer.instance)
                    .addSerializer(java.nio.file.Path.class, ToStringSerializer.instance))
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);

    private Json() {
    }

    /** The body as a JSON object. */
    static ObjectNode object(Context ctx) {
        JsonNode n = parse(ctx);
        if (!(n instanceof ObjectNode o)) {
            throw ApiException.badRequest("the body must be a JSON object");
        }
        return o;
    }

    static JsonNode parse(Context ctx) {
        String body = ctx.body();
        if (body.isBlank()) {
            throw ApiException.badRequest("the body is empty; this endpoint takes JSON");
        }
        try {
            return MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("the body is not valid JSON: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        }
    }

    static String text(ObjectNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            throw ApiException.badRequest("'" + field + "' is required");
        }
        if (!v.isTextual()) {
            throw ApiException.badRequest("'" + field + "' must be a string");
        }
        return v.asText();
    }

    static String text(ObjectNode o, String field, String otherwise) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            return otherwise;
        }
        if (!v.isTextual()) {
            throw ApiException.badRequest("'" + field + "' must be a string");
        }
        return v.asText();
    }

    static int integer(ObjectNode o, String field, int otherwise, int min, int max) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            return otherwise;
        }
        if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
            throw ApiException.badRequest("'" + field + "' must be a whole number from " + min + " to " + max);
        }
        return v.asInt();
    }

    static boolean bool(ObjectNode o, String field, boolean otherwise) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            return otherwise;
        }
        if (!v.isBoolean()) {
            throw ApiException.badRequest("'" + field + "' must be true or false");
        }
        return v.asBoolean();
    }

    /** One page of {@code all} by the {@code page} (from 1) and {@code limit} (1..10000, 100) query parameters. */
    static <T> Map<String, Object> page(Context ctx, List<T> all) {
        Paging p = paging(ctx);
        return envelope(p.window(all), p.page(), p.limit(), "count", all.size());
    }

    /** The page and limit a request asks for. */
    record Paging(int page, int limit) {
        /** The rows up to the end of the page: what each node of the cluster sends. */
        int upTo() {
            return (int) Math.min(Integer.MAX_VALUE, (long) page * limit);
        }

        <T> List<T> window(List<T> all) {
            long from = (long) (page - 1) * limit;
            return from >= all.size() ? List.of()
                    : new ArrayList<>(all.subList((int) from, (int) Math.min(all.size(), from + limit)));
        }
    }

    static Paging paging(Context ctx) {
        return new Paging(queryInt(ctx, "page", 1, 1, Integer.MAX_VALUE), queryInt(ctx, "limit", 100, 1, 10_000));
    }

    /**
     * A page of a cluster-wide listing: {@code meta.count} is every node's rows; {@code meta.failed_nodes} names
     * the nodes that did not answer, whose rows are missing.
     */
    static Map<String, Object> page(Paging p, io.starling.broker.cluster.ClusterAdmin.Page merged) {
        Map<String, Object> out = envelope(p.window(merged.rows()), p.page(), p.limit(), "count", merged.count());
        if (!merged.failed().isEmpty()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> meta = (Map<String, Object>) out.get("meta");
            meta.put("failed_nodes", merged.failed());
        }
        return out;
    }

    /** {@code {"data": [...], "meta": {"page": .., "limit": .., <key>: <value>}}}. */
    static Map<String, Object> envelope(List<?> data, int page, int limit, String key, Object value) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("page", page);
        meta.put("limit", limit);
        meta.put(key, value);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("data", data);
        out.put("meta", meta);
        return out;
    }

    static int queryInt(Context ctx, String name, int otherwise, int min, int max) {
        String v = ctx.queryParam(name);
        if (v == null || v.isEmpty()) {
            return otherwise;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw ApiException.badRequest("query parameter '" + name + "' must be a whole number from " + min + " to "
                + max + ", was '" + v + "'");
    }
}
