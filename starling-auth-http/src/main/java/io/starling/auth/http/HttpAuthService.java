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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the HTTP service and reads its answer: 200 allows (a JSON body may say {@code "result": "deny"} or
 * {@code "ignore"}, and {@code "is_superuser": true}), 401 and 403 deny, 404 is "not mine", anything else and a
 * service that is down or slower than the timeout get the configured policy. The JDK client keeps a pool of
 * connections and never blocks a node thread: its answers arrive on its own threads.
 */
final class HttpAuthService {
    private static final Logger LOG = LoggerFactory.getLogger(HttpAuthService.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the service said. */
    enum Verdict { ALLOW, SUPERUSER, DENY, IGNORE }

    private final HttpAuthSettings settings;
    private final HttpClient client;

    HttpAuthService(HttpAuthSettings settings) {
        this.settings = settings;
        // HTTP/1.1: no h2c upgrade attempted on each new connection of a plain http:// URL
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(settings.timeout())
                .build();
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
        return client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString())
                .thenApply(this::verdict)
                .exceptionally(e -> {
                    Throwable cause = e.getCause() != null ? e.getCause() : e;
                    LOG.warn("{} did not answer for client '{}' ({}): {}", url.getHost() + ":" + url.getPort()
                            + url.getPath(), LogSafe.escape(who.clientId()), cause.getClass().getSimpleName(), policyName());
                    return onError();
                });
    }

    private Verdict verdict(HttpResponse<String> r) {
        int code = r.statusCode();
        if (code == 200) {
            String body = r.body() == null ? "" : r.body().trim();
            if (body.isEmpty() || !body.startsWith("{")) {
                return body.equalsIgnoreCase("ignore") ? Verdict.IGNORE
                        : body.equalsIgnoreCase("deny") ? Verdict.DENY : Verdict.ALLOW;
            }
            try {
                JsonNode json = JSON.readTree(body);
                String result = json.path("result").asText("allow");
                if (result.equals("deny")) {
                    return Verdict.DENY;
                }
                if (result.equals("ignore")) {
                    return Verdict.IGNORE;
                }
                return json.path("is_superuser").asBoolean(false) ? Verdict.SUPERUSER : Verdict.ALLOW;
            } catch (java.io.IOException e) {
                LOG.warn("{} answered 200 with a body that is not JSON; {}", r.uri(), policyName());
                return onError();
            }
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

    private Verdict onError() {
        return settings.denyOnError() ? Verdict.DENY : Verdict.IGNORE;
    }

    private String policyName() {
        return settings.denyOnError() ? "denied (on_error = deny)" : "left to the next (on_error = ignore)";
    }

}
