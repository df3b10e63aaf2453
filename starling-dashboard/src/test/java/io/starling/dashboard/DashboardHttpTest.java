package io.starling.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.starling.management.ManagementExtension;
import io.starling.testkit.StarlingExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The dashboard's HTTP side without a browser: its files are public and locked down, its session is a cookie
 * that needs the CSRF token for changes, and a session request never gets a Basic challenge.
 */
class DashboardHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @org.junit.jupiter.api.io.TempDir
    static java.nio.file.Path home;

    @RegisterExtension
    final StarlingExtension broker = StarlingExtension.create(b -> b.extensions(true).storageType("memory")
            .config("management.bind = \"127.0.0.1:0\"\nauthorization.acl_file = \""
                    + AclFiles.write(home.resolve("acl.conf")) + "\"\n"));

    private String base() {
        return "http://127.0.0.1:" + broker.node().extension(ManagementExtension.class).server().port();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base() + path));
    }

    /** A session: its cookie ("starling_session=...") and its CSRF token. */
    private String[] login(String password) throws Exception {
        HttpResponse<String> r = send(request("/api/v5/dashboard/login").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\": \"admin\", \"password\": \"" + password
                        + "\"}")));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).contains("HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200");
        return new String[] {setCookie.substring(0, setCookie.indexOf(';')),
                JSON.readTree(r.body()).get("csrf_token").asText()};
    }

    /**
     * The first login, as admin/public: the session may only change the password (with its CSRF token); then the
     * same session calls the whole API.
     */
    private String[] firstLogin() throws Exception {
        String[] session = login("public");
        HttpResponse<String> refused = send(request("/api/v5/stats").header("Cookie", session[0]));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(refused.body()).get("code").asText()).isEqualTo("PASSWORD_CHANGE_REQUIRED");
        JsonNode described = JSON.readTree(send(request("/api/v5/dashboard/session").header("Cookie", session[0]))
                .body());
        assertThat(described.get("password_change_required").asBoolean()).isTrue();
        String change = "{\"new_password\": \"first-secret-1\"}";
        assertThat(send(request("/api/v5/admins/admin/password").header("Cookie", session[0])
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(change)))
                .statusCode()).as("without the CSRF token").isEqualTo(403);
        HttpResponse<String> changed = send(request("/api/v5/admins/admin/password").header("Cookie", session[0])
                .header("X-CSRF-Token", session[1]).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(change)));
        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(204);
        return session;
    }

    @Test
    void thePagesArePublicAndLockedDown() throws Exception {
        HttpResponse<String> index = send(request("/"));
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(index.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
                csp -> assertThat(csp).contains("frame-ancestors 'none'", "script-src 'self'"));
        assertThat(index.body()).contains("/assets/app.js");
        HttpResponse<String> vue = send(request("/webjars/vue/dist/vue.esm-browser.prod.js"));
        assertThat(vue.statusCode()).isEqualTo(200);
        assertThat(vue.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        String etag = vue.headers().firstValue("ETag").orElseThrow();
        assertThat(send(request("/webjars/vue/dist/vue.esm-browser.prod.js").header("If-None-Match", etag))
                .statusCode()).isEqualTo(304);
        assertThat(send(request("/webjars/uplot/dist/uPlot.esm.js")).statusCode()).isEqualTo(200);
        assertThat(send(request("/webjars/picocss__pico/css/pico.min.css")).statusCode()).isEqualTo(200);
        assertThat(send(request("/assets/pages/overview.js")).statusCode()).isEqualTo(200);
        assertThat(send(request("/assets/../webjars.properties")).statusCode()).isEqualTo(404);
        assertThat(send(request("/assets/%2e%2e/webjars.properties")).statusCode()).isEqualTo(404);
        assertThat(send(request("/webjars/vue/package.json")).statusCode()).as("only known file types").isIn(200, 404);
        assertThat(send(request("/webjars/nothing/x.js")).statusCode()).isEqualTo(404);
        assertThat(send(request("/api/v5/stats")).statusCode()).as("the data still wants credentials").isEqualTo(401);
    }

    @Test
    void aSessionCookieCallsTheApiAndChangesNeedItsCsrfToken() throws Exception {
        String[] session = firstLogin();
        HttpResponse<String> stats = send(request("/api/v5/stats").header("Cookie", session[0]));
        assertThat(stats.statusCode()).isEqualTo(200);
        String publish = "{\"topic\": \"t/1\", \"payload\": \"x\"}";
        HttpResponse<String> noToken = send(request("/api/v5/publish").header("Cookie", session[0])
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(publish)));
        assertThat(noToken.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(noToken.body()).get("code").asText()).isEqualTo("CSRF_TOKEN_INVALID");
        HttpResponse<String> withToken = send(request("/api/v5/publish").header("Cookie", session[0])
                .header("X-CSRF-Token", session[1]).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(publish)));
        assertThat(withToken.statusCode()).as(withToken.body()).isEqualTo(200);
        HttpResponse<String> otherSite = send(request("/api/v5/publish").header("Cookie", session[0])
                .header("X-CSRF-Token", session[1]).header("Origin", "https://evil.example")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(publish)));
        assertThat(otherSite.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(otherSite.body()).get("code").asText()).isEqualTo("CROSS_ORIGIN_REFUSED");
        HttpResponse<String> loginElsewhere = send(request("/api/v5/dashboard/login").header("Origin",
                "https://evil.example").header("Content-Type", "application/json").POST(
                HttpRequest.BodyPublishers.ofString("{\"username\": \"admin\", \"password\": \"first-secret-1\"}")));
        assertThat(loginElsewhere.statusCode()).as("login from another site's page").isEqualTo(403);

        String[] other = login("first-secret-1");
        assertThat(send(request("/api/v5/stats").header("Cookie", other[0])).statusCode()).isEqualTo(200);
        HttpResponse<String> changed = send(request("/api/v5/admins/admin/password").header("Cookie", session[0])
                .header("X-CSRF-Token", session[1]).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"new_password\": \"second-secret-2\"}")));
        assertThat(changed.statusCode()).isEqualTo(204);
        assertThat(send(request("/api/v5/stats").header("Cookie", other[0])).statusCode())
                .as("another login of the administrator whose password changed").isEqualTo(401);
        assertThat(send(request("/api/v5/stats").header("Cookie", session[0])).statusCode())
                .as("the login that changed it").isEqualTo(200);

        HttpResponse<String> out = send(request("/api/v5/dashboard/logout").header("Cookie", session[0])
                .header("X-CSRF-Token", session[1]).POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(out.statusCode()).isEqualTo(204);
        assertThat(out.headers().firstValue("Set-Cookie")).hasValueSatisfying(c -> assertThat(c).contains("Max-Age=0"));
        HttpResponse<String> after = send(request("/api/v5/stats").header("Cookie", session[0]));
        assertThat(after.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(after.body()).get("code").asText()).isEqualTo("SESSION_EXPIRED");
        assertThat(after.headers().firstValue("WWW-Authenticate")).as("no browser login box").isEmpty();
    }

    @Test
    void badLoginsAreRefusedAndBasicCredentialsStillWork() throws Exception {
        firstLogin();
        HttpResponse<String> bad = send(request("/api/v5/dashboard/login").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\": \"admin\", \"password\": \"nope\"}")));
        assertThat(bad.statusCode()).isEqualTo(401);
        assertThat(bad.headers().firstValue("Set-Cookie")).isEmpty();
        HttpResponse<String> form = send(request("/api/v5/dashboard/login").header("Content-Type",
                "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("username=admin")));
        assertThat(form.statusCode()).isEqualTo(415);
        HttpResponse<String> none = send(request("/api/v5/dashboard/session"));
        assertThat(none.statusCode()).isEqualTo(401);
        String basic = "Basic " + Base64.getEncoder().encodeToString("admin:first-secret-1".getBytes());
        assertThat(send(request("/api/v5/stats").header("Authorization", basic)).statusCode()).isEqualTo(200);
        JsonNode session = JSON.readTree(send(request("/api/v5/dashboard/session").header("Cookie",
                login("first-secret-1")[0])).body());
        assertThat(session.get("username").asText()).isEqualTo("admin");
        assertThat(session.get("password_change_required").asBoolean()).isFalse();
    }
    /** The clients page's filters as the API takes them: listener, protocol and a backlog of queued messages. */
    @Test
    void filtersClientsByListenerProtocolAndBacklog() throws Exception {
        String[] session = firstLogin();
        Mqtt5BlockingClient slow = Mqtt5Client.builder().identifier("filter-backlog").serverHost(broker.host())
                .serverPort(broker.port()).buildBlocking();
        slow.connectWith().cleanStart(true).sessionExpiryInterval(300).send();
        slow.subscribeWith().topicFilter("backlog/#").qos(MqttQos.AT_LEAST_ONCE).send();
        slow.disconnect();
        Mqtt5BlockingClient publisher = Mqtt5Client.builder().identifier("filter-publisher")
                .serverHost(broker.host()).serverPort(broker.port()).buildBlocking();
        publisher.connect();
        try {
            for (int i = 0; i < 3; i++) {
                publisher.publishWith().topic("backlog/" + i).qos(MqttQos.AT_LEAST_ONCE).send();
            }
            String listener = ids(session, "?clientid=filter-publisher").get(0).get("listener").asText();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(names(ids(session,
                    "?min_queued=3"))).containsExactly("filter-backlog"));
            assertThat(names(ids(session, "?min_queued=4"))).isEmpty();
            assertThat(names(ids(session, "?min_queued=&min_inflight=0&like_clientid=filter-")))
                    .as("an empty parameter does not filter").containsExactly("filter-backlog", "filter-publisher");
            assertThat(names(ids(session, "?listener=" + listener))).containsExactly("filter-publisher");
            assertThat(names(ids(session, "?listener=nowhere:0"))).isEmpty();
            assertThat(names(ids(session, "?proto_name=mqtt"))).containsExactly("filter-publisher");
            assertThat(names(ids(session, "?proto_name=STOMP"))).isEmpty();
            // A QoS 0 message for the offline session is given up (mqtt.queue_qos0 is off): one drop, counted.
            assertThat(names(ids(session, "?min_dropped=1"))).isEmpty();
            publisher.publishWith().topic("backlog/qos0").qos(MqttQos.AT_MOST_ONCE).send();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(names(ids(session,
                    "?min_dropped=1"))).containsExactly("filter-backlog"));
            assertThat(ids(session, "?clientid=filter-backlog").get(0).get("dropped_cnt").asLong()).isEqualTo(1);
            HttpResponse<String> bad = send(request("/api/v5/clients?min_queued=-1").header("Cookie", session[0]));
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("min_queued");
        } finally {
            publisher.disconnect();
        }
    }

    private JsonNode ids(String[] session, String query) throws Exception {
        HttpResponse<String> r = send(request("/api/v5/clients" + query).header("Cookie", session[0]));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).get("data");
    }

    private static java.util.List<String> names(JsonNode rows) {
        java.util.List<String> out = new java.util.ArrayList<>();
        rows.forEach(r -> out.add(r.get("clientid").asText()));
        return out;
    }
    /** The ACL file's rules, in order, as the file says them; for administrators and administrator keys only. */
    @Test
    void showsTheAclRulesToAdministratorsOnly() throws Exception {
        String[] session = firstLogin();
        HttpResponse<String> r = send(request("/api/v5/authorization/rules").header("Cookie", session[0]));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode acl = JSON.readTree(r.body());
        assertThat(acl.get("file").asText()).endsWith("acl.conf");
        assertThat(acl.get("no_match").asText()).isIn("allow", "deny");
        assertThat(acl.get("rules")).hasSize(AclFiles.RULES);
        assertThat(acl.get("rules").get(0).toString()).isEqualTo(
                "{\"permission\":\"deny\",\"who\":\"all\",\"action\":\"subscribe\",\"topics\":[\"eq #\"]}");
        assertThat(acl.get("rules").get(1).toString()).isEqualTo("{\"permission\":\"allow\",\"who\":{\"user\":"
                + "\"sensor-1\"},\"action\":\"publish\",\"topics\":[\"sensors/%c/#\"]}");
        assertThat(acl.get("rules").get(2).toString()).isEqualTo(
                "{\"permission\":\"allow\",\"who\":\"all\",\"action\":\"all\",\"topics\":[]}");

        for (String role : new String[] {"operator", "administrator"}) {
            HttpResponse<String> created = send(request("/api/v5/api_key").header("Cookie", session[0])
                    .header("X-CSRF-Token", session[1]).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"role\": \"" + role + "\"}")));
            assertThat(created.statusCode()).as(created.body()).isIn(200, 201);
            JsonNode key = JSON.readTree(created.body());
            String basic = "Basic " + Base64.getEncoder().encodeToString((key.get("key").asText() + ":"
                    + key.get("secret").asText()).getBytes());
            HttpResponse<String> asKey = send(request("/api/v5/authorization/rules").header("Authorization", basic));
            assertThat(asKey.statusCode()).as(role + ": " + asKey.body()).isEqualTo(role.equals("operator") ? 403
                    : 200);
        }
    }

}
