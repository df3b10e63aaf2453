package io.starling.it.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.starling.testkit.StarlingExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The REST API of a running node with a real HTTP client, and real MQTT clients on the other side. */
class ManagementApiTest {
    @org.junit.jupiter.api.io.TempDir
    static java.nio.file.Path home;

    @RegisterExtension
    final StarlingExtension broker = StarlingExtension.create(b -> b.extensions(true).storageType("rocksdb")
            .config(ManagementApi.NODE_CONFIG + "authentication.password_file = \"" + home.resolve("passwd") + "\"\n"
                    + "authentication.password_iterations = 1000\nplugins.dir = \"" + TEST_PLUGINS.toAbsolutePath()
                    + "\"\nplugins.config_dir = \"" + home.resolve("etc") + "\"\n"));

    private static final java.nio.file.Path TEST_PLUGINS = java.nio.file.Path.of("target/test-plugins");

    private ManagementApi api;

    @org.junit.jupiter.api.BeforeEach
    void firstLogin() {
        api = new ManagementApi(broker).firstLogin();
    }

    private Mqtt5BlockingClient client(String id) {
        Mqtt5BlockingClient c = Mqtt5Client.builder().identifier(id).serverHost(broker.host()).serverPort(broker.port())
                .buildBlocking();
        c.connect();
        return c;
    }

    @Test
    void everyEndpointWantsCredentialsAndGuessingIsLockedOut() {
        ManagementApi.Answer none = api.as(null, null).get("/api/v5/nodes");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.json().get("code").asText()).isEqualTo("UNAUTHORIZED");
        assertThat(none.response().headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                h -> assertThat(h).startsWith("Basic"));
        assertThat(api.as(null, null).get("/metrics").status()).isEqualTo(401);
        assertThat(api.get("/api/v5/nodes").status()).isEqualTo(200);
        ManagementApi wrong = api.as("admin", "guess");
        assertThat(wrong.get("/api/v5/nodes").status()).isEqualTo(401);
        assertThat(wrong.get("/api/v5/nodes").status()).isEqualTo(401);
        assertThat(wrong.get("/api/v5/nodes").status()).isEqualTo(401);
        ManagementApi.Answer locked = api.get("/api/v5/nodes");
        assertThat(locked.status()).as("even the right password, once the address is locked out").isEqualTo(429);
        assertThat(locked.response().headers().firstValue("Retry-After")).isPresent();
        assertThat(locked.json().get("message").asText()).contains("too many failed logins");
    }

    @Test
    void nodesStatsAndMetricsDescribeTheNode() {
        Mqtt5BlockingClient c = client("api-stats");
        c.publishWith().topic("stats/x").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[4]).send();
        JsonNode nodes = api.get("/api/v5/nodes").json();
        assertThat(nodes.get(0).get("node").asText()).isEqualTo(broker.node().config().nodeName());
        assertThat(nodes.get(0).get("connections").asInt()).isEqualTo(1);
        assertThat(api.get("/api/v5/nodes/" + broker.node().config().nodeName()).status()).isEqualTo(200);
        assertThat(api.get("/api/v5/nodes/other@host").status()).isEqualTo(404);
        assertThat(api.get("/api/v5/stats").json().get("connections.count").asInt()).isEqualTo(1);
        JsonNode metrics = api.get("/api/v5/metrics").json();
        assertThat(metrics.get("messages.qos1.received").asInt()).isEqualTo(1);
        assertThat(metrics.get("packets.publish.received").asInt()).isEqualTo(1);
        assertThat(api.get("/api/v5/brokers").json().get(0).get("sysdescr").asText()).contains("Starling");
        assertThat(api.get("/api/v5/configs").json().at("/management/defaultPassword").asText()).isEqualTo("******");
        assertThat(api.get("/api/v5/openapi.json").json().get("paths").has("/api/v5/publish")).isTrue();
        c.disconnect();
    }

    @Test
    void httpPublishReachesSubscribersWithItsProperties() throws Exception {
        Mqtt5BlockingClient sub = client("api-sub");
        try (Mqtt5BlockingClient.Mqtt5Publishes in = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("api/#").qos(MqttQos.AT_LEAST_ONCE).send();
            ManagementApi.Answer sent = api.post("/api/v5/publish", """
                    {"topic": "api/one", "payload": "hello", "qos": 1,
                     "properties": {"content_type": "text/plain", "user_properties": {"from": "rest"},
                                    "message_expiry_interval": 60}}""");
            assertThat(sent.status()).as(sent.body()).isEqualTo(200);
            assertThat(sent.json().get("delivered_to").asInt()).isEqualTo(1);
            Mqtt5Publish p = in.receive(10, TimeUnit.SECONDS).orElseThrow();
            assertThat(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
            assertThat(p.getQos()).isEqualTo(MqttQos.AT_LEAST_ONCE);
            assertThat(p.getContentType()).hasValueSatisfying(t -> assertThat(t.toString()).isEqualTo("text/plain"));
            assertThat(p.getUserProperties().asList()).hasSize(1);
            assertThat(p.getMessageExpiryInterval().getAsLong()).isBetween(50L, 60L);

            String b64 = Base64.getEncoder().encodeToString(new byte[] {0, 1, 2});
            ManagementApi.Answer bulk = api.post("/api/v5/publish/bulk", "[{\"topic\": \"api/a\", \"payload\": \"" + b64
                    + "\", \"payload_encoding\": \"base64\"}, {\"topic\": \"api/b\", \"payload\": \"x\"}]");
            assertThat(bulk.status()).as(bulk.body()).isEqualTo(200);
            assertThat(in.receive(10, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes()).containsExactly(0, 1, 2);
            assertThat(in.receive(10, TimeUnit.SECONDS).orElseThrow().getTopic().toString()).isEqualTo("api/b");
        }
        sub.disconnect();
    }

    @Test
    void badRequestsGetA4xxThatSaysWhatIsWrong() {
        ManagementApi.Answer broken = api.post("/api/v5/publish", "{\"topic\": ");
        assertThat(broken.status()).isEqualTo(400);
        assertThat(broken.json().get("message").asText()).contains("not valid JSON");
        assertThat(api.post("/api/v5/publish", "{}").json().get("message").asText()).isEqualTo("'topic' is required");
        assertThat(api.post("/api/v5/publish", "{\"topic\": \"a/#\"}").json().get("message").asText())
                .contains("not a valid topic name");
        assertThat(api.post("/api/v5/publish", "{\"topic\": \"a\", \"qos\": 3}").json().get("message").asText())
                .contains("'qos' must be a whole number from 0 to 2");
        ManagementApi.Answer bulk = api.post("/api/v5/publish/bulk", "[{\"topic\": \"ok\"}, {\"topic\": \"\"}]");
        assertThat(bulk.status()).isEqualTo(400);
        assertThat(bulk.json().get("message").asText()).startsWith("message 1:");
        ManagementApi.Answer nowhere = api.get("/api/v5/nothing-here");
        assertThat(nowhere.status()).isEqualTo(404);
        assertThat(nowhere.json().get("code").asText()).isEqualTo("NOT_FOUND");
        assertThat(api.get("/api/v5/clients?page=zero").status()).isEqualTo(400);
        assertThat(api.get("/api/v5/clients?conn_state=maybe").status()).isEqualTo(400);
    }

    @Test
    void clientsAreListedShownAndKicked() throws Exception {
        Mqtt5BlockingClient a = client("api-client-a");
        Mqtt5BlockingClient b = client("api-client-b");
        a.subscribeWith().topicFilter("kick/me").send();
        JsonNode page = api.get("/api/v5/clients?like_clientid=api-client&limit=1&page=2").json();
        assertThat(page.at("/meta/count").asInt()).isEqualTo(2);
        assertThat(page.get("data").get(0).get("clientid").asText()).isEqualTo("api-client-b");
        JsonNode shown = api.get("/api/v5/clients/api-client-a").json();
        assertThat(shown.get("connected").asBoolean()).isTrue();
        assertThat(shown.get("proto_ver").asInt()).isEqualTo(5);
        assertThat(shown.get("subscriptions_cnt").asInt()).isEqualTo(1);
        assertThat(api.get("/api/v5/clients/api-client-a/subscriptions").json().get(0).get("topic").asText())
                .isEqualTo("kick/me");
        assertThat(api.get("/api/v5/subscriptions?match_topic=kick/me").json().at("/meta/count").asInt()).isEqualTo(1);
        assertThat(api.get("/api/v5/topics").json().get("data").get(0).get("topic").asText()).isEqualTo("kick/me");

        CompletableFuture<Throwable> gone = new CompletableFuture<>();
        Mqtt5BlockingClient watched = Mqtt5Client.builder().identifier("api-kicked").serverHost(broker.host())
                .serverPort(broker.port()).addDisconnectedListener(ctx -> gone.complete(ctx.getCause()))
                .buildBlocking();
        watched.connect();
        assertThat(api.delete("/api/v5/clients/api-kicked").status()).isEqualTo(204);
        Throwable cause = gone.get(10, TimeUnit.SECONDS);
        assertThat(cause).isInstanceOf(Mqtt5DisconnectException.class);
        assertThat(((Mqtt5DisconnectException) cause).getMqttMessage().getReasonCode())
                .isEqualTo(Mqtt5DisconnectReasonCode.ADMINISTRATIVE_ACTION);
        await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/api/v5/clients/api-kicked").status() == 404);
        assertThat(api.delete("/api/v5/clients/nobody").status()).isEqualTo(404);
        a.disconnect();
        b.disconnect();
    }

    @Test
    void aSubscriptionMadeOnBehalfOfAClientDeliversAndAnOfflineSessionIsCleared() throws Exception {
        Mqtt5BlockingClient c = client("api-behalf");
        try (Mqtt5BlockingClient.Mqtt5Publishes in = c.publishes(MqttGlobalPublishFilter.ALL)) {
            assertThat(api.post("/api/v5/clients/api-behalf/subscribe", "{\"topic\": \"behalf/+\", \"qos\": 1}")
                    .status()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/api/v5/clients/api-behalf/subscriptions")
                    .json().size() == 1);
            api.post("/api/v5/publish", "{\"topic\": \"behalf/1\", \"payload\": \"for you\"}");
            Optional<Mqtt5Publish> p = in.receive(10, TimeUnit.SECONDS);
            assertThat(p).isPresent();
            assertThat(api.post("/api/v5/clients/api-behalf/unsubscribe", "{\"topic\": \"behalf/+\"}").status())
                    .isEqualTo(202);
            await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/api/v5/clients/api-behalf/subscriptions")
                    .json().isEmpty());
        }
        c.disconnect();
        assertThat(api.post("/api/v5/clients/nobody/subscribe", "{\"topic\": \"x\"}").status()).isEqualTo(404);

        Mqtt5BlockingClient durable = Mqtt5Client.builder().identifier("api-durable").serverHost(broker.host())
                .serverPort(broker.port()).buildBlocking();
        durable.connectWith().cleanStart(true).sessionExpiryInterval(3600).send();
        durable.subscribeWith().topicFilter("durable/#").send();
        durable.disconnect();
        assertThat(api.get("/api/v5/sessions/api-durable").json().get("connected").asBoolean()).isFalse();
        assertThat(api.get("/api/v5/clients?conn_state=disconnected").json().at("/meta/count").asInt()).isEqualTo(1);
        assertThat(api.delete("/api/v5/sessions/api-durable").status()).isEqualTo(204);
        assertThat(api.get("/api/v5/sessions/api-durable").status()).isEqualTo(404);
        assertThat(broker.node().services().router().subscriptionCount()).isZero();
    }

    @Test
    void retainedMessagesAreListedShownAndDeleted() {
        api.post("/api/v5/publish", "{\"topic\": \"ret/a/b\", \"payload\": \"kept\", \"retain\": true, \"qos\": 1}");
        api.post("/api/v5/publish", "{\"topic\": \"ret/c\", \"payload\": \"also\", \"retain\": true}");
        JsonNode list = api.get("/api/v5/retained?topic=ret/%23").json();
        assertThat(list.get("data")).hasSize(2);
        JsonNode one = api.get("/api/v5/retained/ret/a/b").json();
        assertThat(new String(Base64.getDecoder().decode(one.get("payload").asText()), StandardCharsets.UTF_8))
                .isEqualTo("kept");
        assertThat(one.get("qos").asInt()).isEqualTo(1);
        assertThat(api.delete("/api/v5/retained/ret/a/b").status()).isEqualTo(204);
        assertThat(api.get("/api/v5/retained/ret/a/b").status()).isEqualTo(404);
        assertThat(api.get("/api/v5/retained?topic=ret/%23").json().get("data")).hasSize(1);
    }

    @Test
    void apiKeysAdministratorsAndListeners() {
        JsonNode created = api.post("/api/v5/api_key", "{}").json();
        ManagementApi byKey = api.as(created.get("key").asText(), created.get("secret").asText());
        assertThat(byKey.get("/api/v5/nodes").status()).isEqualTo(200);
        assertThat(api.delete("/api/v5/api_key/" + created.get("key").asText()).status()).isEqualTo(204);
        assertThat(byKey.get("/api/v5/nodes").status()).isEqualTo(401);

        assertThat(api.put("/api/v5/admins/admin/password", "{\"new_password\": \"short\"}").status()).isEqualTo(400);
        assertThat(api.put("/api/v5/admins/admin/password", "{\"new_password\": \"a-better-one\"}").status())
                .isEqualTo(204);
        assertThat(api.get("/api/v5/nodes").status()).as("the old password").isEqualTo(401);
        ManagementApi admin = api.as("admin", "a-better-one");
        assertThat(admin.delete("/api/v5/admins/admin").status()).as("the last one").isEqualTo(409);

        JsonNode listeners = admin.get("/api/v5/listeners").json();
        assertThat(listeners.get(0).get("id").asText()).isEqualTo("tcp:default");
        assertThat(admin.post("/api/v5/listeners/tcp:default/stop", "").json().get("running").asBoolean()).isFalse();
        assertThat(admin.post("/api/v5/listeners/tcp:default/start", "").json().get("running").asBoolean()).isTrue();
        assertThat(admin.post("/api/v5/listeners/tcp:nope/stop", "").status()).isEqualTo(404);
        assertThat(admin.get("/api/v5/plugins").status()).isEqualTo(200);
        assertThat(admin.post("/api/v5/plugins/no-such-plugin/load", "").status()).isEqualTo(404);
    }

    @Test
    void mqttUsersAdministratorsSessionsAndPluginsThroughTheApi() {
        assertThat(api.post("/api/v5/login", "").json().get("password_change_required").asBoolean()).isFalse();
        assertThat(api.post("/api/v5/users", "{\"username\": \"dev1\", \"password\": \"pw-1\"}").status())
                .isEqualTo(201);
        assertThat(api.post("/api/v5/users", "{\"username\": \"dev1\", \"password\": \"pw-1\"}").status())
                .as("exists").isEqualTo(409);
        assertThat(api.get("/api/v5/users").json().get(0).get("name").asText()).isEqualTo("dev1");
        Mqtt5BlockingClient dev = Mqtt5Client.builder().identifier("api-user").serverHost(broker.host())
                .serverPort(broker.port()).buildBlocking();
        dev.connectWith().simpleAuth().username("dev1").password("pw-1".getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth().send();
        dev.disconnect();
        assertThat(api.put("/api/v5/users/dev1", "{\"password\": \"pw-2\"}").status()).isEqualTo(204);
        assertThat(api.put("/api/v5/users/ghost", "{\"password\": \"x\"}").status()).isEqualTo(404);
        assertThat(api.delete("/api/v5/users/dev1").status()).isEqualTo(204);
        assertThat(api.get("/api/v5/users").json()).isEmpty();

        assertThat(api.post("/api/v5/admins", "{\"username\": \"ops\", \"password\": \"ops-secret-1\"}").status())
                .isEqualTo(201);
        ManagementApi ops = api.as("ops", "ops-secret-1");
        assertThat(ops.get("/api/v5/admins").json()).hasSize(2);
        assertThat(ops.post("/api/v5/login", "").json().get("password_change_required").asBoolean()).isFalse();
        assertThat(ops.delete("/api/v5/admins/admin").status()).isEqualTo(204);
        assertThat(api.get("/api/v5/nodes").status()).as("admin deleted").isEqualTo(401);
        JsonNode key = ops.post("/api/v5/api_key", "").json();
        assertThat(ops.get("/api/v5/api_key").json().get(0).get("key").asText()).isEqualTo(key.get("key").asText());
        assertThat(ops.get("/api/v5/api_key").body()).doesNotContain(key.get("secret").asText());

        Mqtt5BlockingClient c = client("api-session-list");
        assertThat(ops.get("/api/v5/sessions").json().at("/meta/count").asInt()).isEqualTo(1);
        assertThat(ops.get("/api/v5/routes").status()).isEqualTo(200);
        c.disconnect();

        JsonNode loaded = ops.post("/api/v5/plugins/starling-plugin-template/load", "").json();
        assertThat(loaded.get("loaded").asBoolean()).as(loaded.toString()).isTrue();
        assertThat(ops.post("/api/v5/plugins/starling-plugin-template/load", "").status()).as("loaded already")
                .isEqualTo(409);
        assertThat(ops.post("/api/v5/plugins/starling-plugin-template/unload", "").status()).isEqualTo(204);
    }

    @Test
    void prometheusTextCarriesTheNodesCountersAndTheJvms() {
        Mqtt5BlockingClient c = client("api-prom");
        c.publishWith().topic("prom/x").send();
        ManagementApi.Answer text = api.get("/api/v5/prometheus/stats");
        assertThat(text.status()).isEqualTo(200);
        assertThat(text.response().headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("text/plain"));
        assertThat(text.body()).contains("starling_packets_received_total{")
                .contains("type=\"publish\"")
                .contains("starling_messages_dropped_total{")
                .contains("starling_connections{")
                .contains("jvm_memory_used_bytes")
                .contains("starling_store_batches_total")
                .contains("starling_hooks_timeouts_total");
        assertThat(api.get("/metrics").body()).contains("starling_bytes_received_total");
        c.disconnect();
    }

    @Test
    void promtoolFindsNothingWrongWithTheMetrics() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/promtool")),
                "*** SKIPPED: promtool not installed (Debian's prometheus package)");
        client("api-promtool").publishWith().topic("promtool/x").send();
        Process p = new ProcessBuilder("/usr/bin/promtool", "check", "metrics").redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(api.get("/api/v5/prometheus/stats").body().getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("promtool check metrics said:\n" + out).isZero();
        assertThat(out).as("no lint problem").isBlank();
    }

    @Test
    void anOperatorKeyCannotMakeOrTakeOverAnMqttSuperuser() {
        JsonNode created = api.post("/api/v5/api_key", "").json();
        ManagementApi operator = api.as(created.get("key").asText(), created.get("secret").asText());
        assertThat(operator.post("/api/v5/users", "{\"username\": \"dev-1\", \"password\": \"dev-secret-1\"}")
                .status()).as("an ordinary MQTT user").isEqualTo(201);
        ManagementApi.Answer refused = operator.post("/api/v5/users",
                "{\"username\": \"root-1\", \"password\": \"root-secret-1\", \"superuser\": true}");
        assertThat(refused.status()).as(refused.body()).isEqualTo(403);
        assertThat(refused.json().get("code").asText()).isEqualTo("FORBIDDEN");
        assertThat(api.post("/api/v5/users",
                "{\"username\": \"root-2\", \"password\": \"root-secret-2\", \"superuser\": true}").status())
                .as("an administrator may").isEqualTo(201);
        assertThat(operator.put("/api/v5/users/root-2", "{\"password\": \"taken-over-1\"}").status())
                .as("nor set a superuser's password").isEqualTo(403);
        assertThat(operator.put("/api/v5/users/dev-1", "{\"password\": \"dev-secret-2\"}").status()).isEqualTo(204);
        // The users file is shared by the class's tests.
        assertThat(api.delete("/api/v5/users/dev-1").status()).isEqualTo(204);
        assertThat(api.delete("/api/v5/users/root-2").status()).isEqualTo(204);
    }
}
