package io.starling.it.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.starling.management.ManagementExtension;
import io.starling.testkit.StarlingExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** A real HTTP client for the management API of a test's node, as an administrator unless told otherwise. */
final class ManagementApi {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String NODE_CONFIG = "management.bind = \"127.0.0.1:0\"\nmanagement.max_login_failures = 3\n";

    /** An answer: status, body, and the body as JSON when it is JSON. */
    record Answer(int status, String body, HttpResponse<String> response) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final StarlingExtension broker;
    private String credentials = "admin:public";
    /** Where the API is asked: loopback unless {@link #via} says otherwise. */
    private String host = "127.0.0.1";

    ManagementApi(StarlingExtension broker) {
        this.broker = broker;
    }

    /** The administrator's password after {@link #firstLogin}. */
    static final String ADMIN_PASSWORD = "admin-secret-1";

    /**
     * The first login as the default administrator: every request but the password change is refused until the
     * default password is changed; then an API as the administrator with its new password.
     */
    ManagementApi firstLogin() {
        Answer refused = get("/api/v5/nodes");
        if (refused.status() != 403 || !refused.json().get("code").asText().equals("PASSWORD_CHANGE_REQUIRED")) {
            throw new AssertionError("the default password was not refused: " + refused.status() + " " + refused.body());
        }
        if (!post("/api/v5/login", "").json().get("password_change_required").asBoolean()) {
            throw new AssertionError("login did not ask for a password change");
        }
        Answer changed = put("/api/v5/admins/admin/password", "{\"new_password\": \"" + ADMIN_PASSWORD + "\"}");
        if (changed.status() != 204) {
            throw new AssertionError("password change: " + changed.status() + " " + changed.body());
        }
        return as("admin", ADMIN_PASSWORD);
    }

    ManagementApi as(String user, String password) {
        ManagementApi other = new ManagementApi(broker);
        other.credentials = user == null ? null : user + ":" + password;
        other.host = host;
        return other;
    }

    /** The same credentials, asking at {@code address} (an address of this host that is not loopback). */
    ManagementApi via(String address) {
        ManagementApi other = as(null, null);
        other.credentials = credentials;
        other.host = address;
        return other;
    }

    /** Any request, with the headers given as name, value, name, value... (a null body: none). */
    Answer request(String method, String path, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).method(method, body == null
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b);
    }

    int port() {
        return broker.node().extension(ManagementExtension.class).server().port();
    }

    Answer get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    Answer delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE());
    }

    Answer post(String path, String json) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    Answer put(String path, String json) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    private URI uri(String path) {
        return URI.create("http://" + host + ":" + port() + path);
    }

    private Answer send(HttpRequest.Builder b) {
        if (credentials != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    credentials.getBytes(StandardCharsets.UTF_8)));
        }
        try {
            HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body(), r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
