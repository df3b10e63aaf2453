package io.starling.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.starling.broker.bootstrap.Starling;
import io.starling.management.ManagementExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** A real HTTP client for one node's management API, as its administrator after the first password change. */
final class NodeApi {
    /** What a node of {@link LocalCluster} adds to serve its API on a port from the OS. */
    static final String CONFIG = "management.enabled = true\nmanagement.bind = \"127.0.0.1:0\"\n";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "admin-secret-1";

    record Answer(int status, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;
    private String credentials = "admin:public";

    private NodeApi(Starling node) {
        this.port = node.extension(ManagementExtension.class).server().port();
    }

    /** The node's API, its default administrator's password changed first (every other call is refused before). */
    static NodeApi of(Starling node) {
        NodeApi api = new NodeApi(node);
        Answer changed = api.send("PUT", "/api/v5/admins/admin/password", "{\"new_password\": \"" + PASSWORD + "\"}");
        if (changed.status() != 204) {
            throw new AssertionError("password change: " + changed.status() + " " + changed.body());
        }
        api.credentials = "admin:" + PASSWORD;
        return api;
    }

    Answer get(String path) {
        return send("GET", path, null);
    }

    Answer delete(String path) {
        return send("DELETE", path, null);
    }

    Answer post(String path, String json) {
        return send("POST", path, json);
    }

    private Answer send(String method, String path, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        credentials.getBytes(StandardCharsets.UTF_8)));
        if (json == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
