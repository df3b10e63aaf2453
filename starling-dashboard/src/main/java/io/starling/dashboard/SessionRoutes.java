package io.starling.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.starling.management.ApiException;
import io.starling.management.ManagementContext;
import io.starling.management.ManagementContext.AdminLogin;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log in, who am I, log out; and the session cookie as a way to call the REST API. A request that carries the
 * cookie or the CSRF header is the dashboard's: it is judged by its session alone (401 when that expired, never a
 * Basic challenge that would open the browser's own login box). A request that changes something must also
 * carry the session's CSRF token in {@value #CSRF_HEADER}: a page elsewhere cannot read it, and the cookie is
 * SameSite=Strict and the API refuses other origins besides.
 */
final class SessionRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(SessionRoutes.class);
    static final String COOKIE = "starling_session";
    static final String CSRF_HEADER = "X-CSRF-Token";
    static final String LOGIN = "/api/v5/dashboard/login";
    static final String LOGOUT = "/api/v5/dashboard/logout";
    static final String SESSION = "/api/v5/dashboard/session";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ManagementContext context;
    private final BrowserSessions sessions;

    SessionRoutes(ManagementContext context, BrowserSessions sessions) {
        this.context = context;
        this.sessions = sessions;
    }

    void register() {
        context.publicPath(LOGIN);
        context.publicPath(LOGOUT);
        context.authenticator(this::authenticate);
        context.app().post(LOGIN, this::login);
        // A changed password ends the administrator's other logins (a stolen session, say): the one that changed
        // it goes on.
        context.app().after("/api/v5/admins/{name}/password", ctx -> {
            if (ctx.method() == HandlerType.PUT && ctx.status().getCode() == 204) {
                sessions.removeOthers(ctx.pathParam("name"), ctx.cookie(COOKIE));
            }
        });
        context.app().post(LOGOUT, this::logout);
        // Public, as login and logout are: it answers from the cookie alone, also while the default password must
        // be changed (when the API refuses everything else).
        context.publicPath(SESSION);
        context.app().get(SESSION, ctx -> {
            BrowserSessions.Session s = sessions.find(ctx.cookie(COOKIE), System.currentTimeMillis());
            if (s == null || !context.isAdministrator(s.username())) {
                throw new ApiException(401, "SESSION_EXPIRED", "no dashboard session: log in");
            }
            ctx.json(describe(s, ctx));
        });
    }

    /** {@code {"username": "...", "password": "..."}}: a session cookie and the CSRF token, or 401/403/429. */
    private void login(Context ctx) {
        JsonNode body;
        try {
            body = JSON.readTree(ctx.body());
        } catch (IOException e) {
            throw new ApiException(400, "BAD_REQUEST", "the body is not JSON");
        }
        if (body == null || !body.path("username").isTextual() || !body.path("password").isTextual()) {
            throw new ApiException(400, "BAD_REQUEST", "the body must be {\"username\": \"...\", \"password\": \"...\"}");
        }
        AdminLogin login = context.login(ctx, body.get("username").asText(), body.get("password").asText()
                .toCharArray());
        long now = System.currentTimeMillis();
        sessions.remove(ctx.cookie(COOKIE));
        String id = sessions.create(login.username(), now);
        ctx.header("Set-Cookie", cookie(ctx, id, sessions.maxAgeSeconds()));
        LOG.info("dashboard: '{}' logged in from {}", io.starling.codec.LogSafe.escape(login.username()), ctx.ip());
        ctx.json(describe(sessions.find(id, now), ctx));
    }

    /** Ends the session the cookie names, if its CSRF token comes with it; the cookie is cleared either way. */
    private void logout(Context ctx) {
        String id = ctx.cookie(COOKIE);
        BrowserSessions.Session s = sessions.find(id, System.currentTimeMillis());
        if (s != null && s.csrfMatches(ctx.header(CSRF_HEADER))) {
            sessions.remove(id);
            LOG.info("dashboard: '{}' logged out", io.starling.codec.LogSafe.escape(s.username()));
        }
        ctx.header("Set-Cookie", cookie(ctx, "", 0));
        ctx.status(204);
    }

    private String authenticate(Context ctx) {
        String id = ctx.cookie(COOKIE);
        String token = ctx.header(CSRF_HEADER);
        if (ctx.header("Authorization") != null || (id == null && token == null)) {
            return null;
        }
        BrowserSessions.Session s = sessions.find(id, System.currentTimeMillis());
        if (s == null || !context.isAdministrator(s.username())) {
            sessions.remove(id);
            throw new ApiException(401, "SESSION_EXPIRED", "the dashboard session has expired or ended: log in again");
        }
        HandlerType m = ctx.method();
        if (m != HandlerType.GET && m != HandlerType.HEAD && !s.csrfMatches(token)) {
            throw new ApiException(403, "CSRF_TOKEN_INVALID", "a change from the dashboard needs the session's "
                    + CSRF_HEADER + " header");
        }
        return "admin:" + s.username();
    }

    private Map<String, Object> describe(BrowserSessions.Session s, Context ctx) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("username", s.username());
        out.put("password_change_required", context.mustChangePassword(s.username()));
        out.put("csrf_token", s.csrfToken());
        out.put("session_timeout_seconds", sessions.timeoutSeconds());
        out.put("node", context.node().config().nodeName());
        return out;
    }

    /** HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it), Secure over HTTPS. */
    private static String cookie(Context ctx, String value, long maxAgeSeconds) {
        return COOKIE + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Strict"
                + ("https".equals(ctx.scheme()) ? "; Secure" : "");
    }
}
