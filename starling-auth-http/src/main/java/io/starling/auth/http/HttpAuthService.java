package io.starling.auth.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.starling.api.ClientInfo;
import io.starling.codec.LogSafe;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the HTTP service and reads its answer, as docs/security.md documents it: 200 with an empty body or
 * {@code {"result": "allow"}} allows ({@code "is_superuser": true}: a superuser), 200 {@code {"result": "deny"}},
 * 401 and 403 deny, 200 {@code {"result": "ignore"}} and 404 are "not mine"; anything else (an HTML error page of a
 * proxy in front of the service, a JSON without a known result, another status) and a service that is down or
 * slower than the timeout get the configured policy, never an allow. At most {@code max_requests} requests are
 * out at once: one more gets the policy at once, counted and logged. The JDK client keeps a pool of connections
 * and never blocks a node thread: its answers arrive on its own threads.
 */
final class HttpAuthService {
    private static final Logger LOG = LoggerFactory.getLogger(HttpAuthService.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the service said. */
    enum Verdict { ALLOW, SUPERUSER, DENY, IGNORE }

    /** At most one "too many requests" line per this many milliseconds: an overload must not flood the log. */
    private static final long REFUSAL_LOG_MILLIS = 10_000;

    private final HttpAuthSettings settings;
    private final HttpClient client;
    private final Semaphore inFlight;
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong refusalLoggedAt = new AtomicLong();

    HttpAuthService(HttpAuthSettings settings) {
        this.settings = settings;
        // HTTP/1.1: no h2c upgrade attempted on each new connection of a plain http:// URL
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(settings.timeout())
                .build();
        this.inFlight = new Semaphore(settings.maxRequests());
    }


    CompletableFuture<Verdict> ask(URI url, FormTemplate params, ClientInfo who, Map<Character, String> extra) {
        String form = params.fill(who, extra);
        HttpRequest.Builder b = HttpRequest.newBuilder().timeout(settings.timeout());
        if (settings.post()) {
            b.uri(url).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form));
        } else {
            b.uri(URI.create(url + (url.getQuery() == null ? "?" : "&") + form)).GET();
        }
        if (!inFlight.tryAcquire()) {
            return CompletableFuture.completedFuture(tooMany(who));
        }
        CompletableFuture<HttpResponse<String>> sent;
        try {
            sent = client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (RuntimeException e) {
            inFlight.release();
            throw e;
        }
        return sent.whenComplete((r, e) -> inFlight.release())
                .thenApply(this::verdict)
                .exceptionally(e -> {
                    Throwable cause = e.getCause() != null ? e.getCause() : e;
                    LOG.warn("{} did not answer for client '{}' ({}): {}", url.getHost() + ":" + url.getPort()
                            + url.getPath(), LogSafe.escape(who.clientId()), cause.getClass().getSimpleName(), policyName());
                    return onError();
                });
    }

    private Verdict tooMany(ClientInfo who) {
        long count = refused.incrementAndGet();
        long now = System.currentTimeMillis();
        long last = refusalLoggedAt.get();
        if (now - last >= REFUSAL_LOG_MILLIS && refusalLoggedAt.compareAndSet(last, now)) {
            LOG.warn("the HTTP authentication service has max_requests = {} requests out already: client '{}' {} "
                    + "({} refused so far)", settings.maxRequests(), LogSafe.escape(who.clientId()), policyName(), count);
        }
        return onError();
    }

    private Verdict verdict(HttpResponse<String> r) {
        int code = r.statusCode();
        if (code == 200) {
            Verdict v = documented(r.body() == null ? "" : r.body().trim());
            if (v != null) {
                return v;
            }
            LOG.warn("{} answered 200 with a body that is no documented answer (an empty body or {\"result\": "
                    + "\"allow\" | \"deny\" | \"ignore\"}); {}", r.uri().getPath(), policyName());
            return onError();
        }
        if (code == 401 || code == 403) {
            return Verdict.DENY;
        }
        if (code == 404) {
            return Verdict.IGNORE;
        }
        LOG.warn("{} answered {}; {}", r.uri().getPath(), code, policyName());
        return onError();
    }

    /**
     * What a 200's body says, or null when it is none of the documented answers. Fail closed: only an empty body
     * and {@code "result": "allow"} allow. The plain words deny and ignore (emqttd's) are read too: they allow
     * nothing.
     */
    private static Verdict documented(String body) {
        if (body.isEmpty()) {
            return Verdict.ALLOW;
        }
        if (!body.startsWith("{")) {
            return body.equalsIgnoreCase("ignore") ? Verdict.IGNORE : body.equalsIgnoreCase("deny") ? Verdict.DENY
                    : null;
        }
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (java.io.IOException e) {
            return null;
        }
        return switch (json.path("result").asText("")) {
            case "allow" -> json.path("is_superuser").asBoolean(false) ? Verdict.SUPERUSER : Verdict.ALLOW;
            case "deny" -> Verdict.DENY;
            case "ignore" -> Verdict.IGNORE;
            default -> null;
        };
    }

    private Verdict onError() {
        return settings.denyOnError() ? Verdict.DENY : Verdict.IGNORE;
    }

    private String policyName() {
        return settings.denyOnError() ? "denied (on_error = deny)" : "left to the next (on_error = ignore)";
    }

}
