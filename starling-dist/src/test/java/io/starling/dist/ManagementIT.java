package io.starling.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged node as shipped serves its management API: the default administrator works and the node warns
 * about its password; without credentials the API refuses.
 */
class ManagementIT {
    @TempDir
    Path dir;

    @Test
    void thePackagedNodeServesItsApiToTheDefaultAdministrator() throws Exception {
        try (NodeProcess node = NodeProcess.in(dir, Map.of()).start()) {
            HttpClient http = HttpClient.newHttpClient();
            URI nodes = URI.create("http://127.0.0.1:" + node.port("management") + "/api/v5/nodes");
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(nodes).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(401);
            String basic = Base64.getEncoder().encodeToString("admin:public".getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> first = http.send(HttpRequest.newBuilder(nodes).header("Authorization", "Basic " + basic)
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(first.statusCode()).as("the default password must be changed first").isEqualTo(403);
            assertThat(first.body()).contains("PASSWORD_CHANGE_REQUIRED");
            changeDefaultPassword(node);
            HttpResponse<String> ok = http.send(HttpRequest.newBuilder(nodes).header("Authorization", basic())
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
            assertThat(ok.body()).contains("\"node\":\"starling@127.0.0.1\"");
            assertThat(node.output()).anyMatch(l -> l.contains("administrator 'admin' still has the default password"));
            assertThat(node.home().resolve("data/admins")).exists().content().doesNotContain("public");
        }
    }

    @Test
    void anHttpPublishReachesMosquittoSub() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(Path.of("/usr/bin/mosquitto_sub")),
                "*** SKIPPED: mosquitto_sub not installed (Debian's mosquitto-clients)");
        try (NodeProcess node = NodeProcess.in(dir, Map.of()).start()) {
            changeDefaultPassword(node);
            Process sub = new ProcessBuilder("mosquitto_sub", "-h", "127.0.0.1", "-p", String.valueOf(node.port()),
                    "-t", "rest/#", "-C", "1", "-v", "-q", "1", "-W", "30").redirectErrorStream(true).start();
            // mosquitto_sub prints nothing until a message comes: wait for its subscription on the node.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> api(node, "/api/v5/subscriptions").contains("rest/#"));
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> sent = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + node.port("management") + "/api/v5/publish")).header("Authorization", basic())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"topic\": \"rest/hello\", \"payload\": \"from http\", \"qos\": 1}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
            assertThat(sub.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(new String(sub.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim())
                    .isEqualTo("rest/hello from http");
        }
    }

    private static String basic() {
        return "Basic " + Base64.getEncoder().encodeToString("admin:changed-secret".getBytes(StandardCharsets.UTF_8));
    }

    private static void changeDefaultPassword(NodeProcess node) throws Exception {
        String defaults = "Basic " + Base64.getEncoder().encodeToString("admin:public".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> changed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + node.port("management") + "/api/v5/admins/admin/password"))
                .header("Authorization", defaults).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"new_password\": \"changed-secret\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(204);
    }

    private static String api(NodeProcess node, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + node.port("management") + path)).header("Authorization", basic()).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
