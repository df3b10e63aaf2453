package io.starling.bridge;

import static io.starling.bridge.Nodes.bridge;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.starling.broker.bootstrap.Starling;
import io.starling.management.ManagementExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bridges in the REST API and in Prometheus. */
class BridgeManagementTest {
    private static final String PASSWORD = "admin-secret-1";
    private final Nodes nodes = new Nodes();
    private final HttpClient http = HttpClient.newHttpClient();
    private int port;
    private String credentials = "admin:public";

    @TempDir
    Path home;

    @AfterEach
    void stop() {
        nodes.close();
    }

    private HttpResponse<String> call(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        credentials.getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void listStopStartAndMetrics() throws Exception {
        Starling remote = nodes.start("");
        Starling node = nodes.startWithManagement("management.bind = \"127.0.0.1:0\"\nmanagement.admins_file = \""
                + home.resolve("admins") + "\"\nmanagement.api_keys_file = \"" + home.resolve("keys") + "\"\n"
                + bridge("up", remote.port(), "5", "", "api/# out 1"));
        port = node.extension(ManagementExtension.class).server().port();
        call("PUT", "/api/v5/admins/admin/password", "{\"new_password\": \"" + PASSWORD + "\"}");
        credentials = "admin:" + PASSWORD;
        await().atMost(Duration.ofSeconds(10)).until(() -> node.bridges().list().get(0).state().equals("connected"));

        HttpResponse<String> list = call("GET", "/api/v5/bridges", null);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains("\"name\":\"up\"", "\"state\":\"connected\"",
                "\"remote\":\"127.0.0.1:" + remote.port() + "\"");

        assertThat(call("POST", "/api/v5/bridges/up/stop", "").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> call("GET", "/api/v5/bridges/up", null).body()
                .contains("\"state\":\"stopped\""));
        assertThat(call("POST", "/api/v5/bridges/nope/stop", "").statusCode()).isEqualTo(404);
        assertThat(call("POST", "/api/v5/bridges/up/start", "").statusCode()).isEqualTo(200);
        assertThat(call("GET", "/api/v5/openapi.json", null).body()).as("documented")
                .contains("\"/api/v5/bridges\"", "\"/api/v5/bridges/{name}/stop\"", "\"/api/v5/bridges/{name}/start\"");
        await().atMost(Duration.ofSeconds(10)).until(() -> node.bridges().list().get(0).state().equals("connected"));

        Clients.publish(Clients.connect(node.port()), "api/x", "m", 1, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> node.bridges().list().get(0).forwarded() == 1);
        String metrics = call("GET", "/metrics", null).body();
        assertThat(metrics).contains("starling_bridge_connected{bridge=\"up\"", "starling_bridge_reconnects_total{bridge=\"up\"");
        assertThat(metrics).containsPattern("starling_bridge_forwarded_messages_total\\{bridge=\"up\",[^}]*\\} 1.0");
        if (java.nio.file.Files.isExecutable(Path.of("/usr/bin/promtool"))) {
            Process check = new ProcessBuilder("/usr/bin/promtool", "check", "metrics").redirectErrorStream(true).start();
            check.getOutputStream().write(metrics.getBytes(StandardCharsets.UTF_8));
            check.getOutputStream().close();
            String said = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(check.waitFor()).as(said).isZero();
        } else {
            System.err.println("*** SKIPPED the promtool check: promtool not installed (Debian's prometheus package)");
        }
    }
}
