package io.starling.management;

import io.javalin.Javalin;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.starling.broker.bootstrap.Starling;
import io.starling.broker.config.ManagementConfig;
import io.starling.broker.transport.ListenerBindException;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP server (Javalin on Jetty) for the REST API under {@code /api/v5}, Prometheus at
 * {@code /api/v5/prometheus/stats} and {@code /metrics}, and the OpenAPI description at
 * {@code /api/v5/openapi.json}. Every endpoint takes an administrator or an API key; every refusal is JSON with
 * a code and a message, never a stack trace. Requests run on Jetty's threads, never on the MQTT network threads.
 * Other modules add to it through {@link ManagementContributor} (the dashboard its pages at {@code /}).
 */
public final class ManagementServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);
    private static final String PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Javalin app;

    ManagementServer(Starling node, ManagementConfig config) {
        AdminAuth auth = new AdminAuth(config);
        PrometheusMetrics prometheus = new PrometheusMetrics(node);
        byte[] openApi = openApi();
        this.app = Javalin.create(c -> {
            c.showJavalinBanner = false;
            c.jsonMapper(new JavalinJackson(Json.MAPPER, false));
            c.http.defaultContentType = "application/json";
        });
        ManagementContext context = new ManagementContext(app, node, auth);
        app.before(ctx -> {
            boolean open = context.isPublic(ctx.path());
            // Public pages may be reached by a link from anywhere; what they send back is checked as the API is.
            if (!open || !isRead(ctx.method())) {
                RequestGuard.sameOrigin(ctx);
                RequestGuard.jsonBody(ctx);
            }
            if (open) {
                return;
            }
            String who = context.authenticate(ctx);
            if (who == null) {
                who = auth.authenticate(ctx);
            }
            auth.requirePasswordChanged(who, ctx);
            auth.requireRole(who, ctx);
            ctx.attribute("who", who);
        });
        app.get("/api/v5/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));
        app.get("/api/v5/prometheus/stats", ctx -> ctx.contentType(PROMETHEUS_TYPE).result(prometheus.scrape()));
        app.get("/metrics", ctx -> ctx.contentType(PROMETHEUS_TYPE).result(prometheus.scrape()));
        new NodeRoutes(node).register(app);
        new ClientRoutes(node).register(app);
        new MessageRoutes(node).register(app);
        new BridgeRoutes(node).register(app);
        new AdminRoutes(node, auth, config.defaultUsername()).register(app);
        for (ManagementContributor contributor : ServiceLoader.load(ManagementContributor.class,
                ManagementServer.class.getClassLoader())) {
            contributor.contribute(context);
        }
        app.exception(ApiException.class, (e, ctx) -> ctx.status(e.status()).json(error(e.code(), e.getMessage())));
        app.exception(Exception.class, (e, ctx) -> {
            LOG.warn("management API: {} {} failed", ctx.method(), ctx.path(), e);
            ctx.status(500).json(error("INTERNAL_ERROR", "the request failed on the node: " + e.getClass().getSimpleName()
                    + " (see the node's log)"));
        });
        // Javalin's own refusals (no such endpoint, method not allowed, ...) in the same JSON shape as ours.
        app.exception(HttpResponseException.class, (e, ctx) -> ctx.status(e.getStatus()).json(error(
                e.getStatus() == 404 ? "NOT_FOUND" : e.getStatus() == 405 ? "METHOD_NOT_ALLOWED" : "BAD_REQUEST",
                e.getStatus() == 404 ? "no endpoint " + ctx.method() + " " + ctx.path() + " (see /api/v5/openapi.json)"
                        : e.getMessage())));
        try {
            app.start(config.host(), config.port());
        } catch (RuntimeException e) {
            app.stop();
            throw new ListenerBindException("management API cannot listen on " + config.host() + ":" + config.port()
                    + ": " + rootMessage(e) + " (set management.bind, or management.enabled = false)", e);
        }
        LOG.info("management API listening on {}:{} (/api/v5, /metrics)", config.host(), app.port());
    }

    /** The port bound: with port 0 in the settings, the one the OS chose. */
    public int port() {
        return app.port();
    }

    private static boolean isRead(HandlerType method) {
        return method == HandlerType.GET || method == HandlerType.HEAD;
    }

    private static Map<String, Object> error(String code, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("code", code);
        m.put("message", message);
        return m;
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    private static byte[] openApi() {
        try (InputStream in = ManagementServer.class.getResourceAsStream("/openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the management jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read openapi.json", e);
        }
    }

    @Override
    public void close() {
        app.stop();
    }
}
