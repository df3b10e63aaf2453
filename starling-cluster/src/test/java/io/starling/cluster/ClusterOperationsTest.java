package io.starling.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.starling.broker.bootstrap.Starling;
import io.starling.broker.control.StarlingCtl;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Operating the cluster from any node, with three nodes in this JVM, their management APIs on ports from the OS
 * asked by a real HTTP client, real MQTT clients, and starling-ctl through each node's control socket.
 */
class ClusterOperationsTest {
    private final LocalCluster cluster = new LocalCluster();

    @AfterEach
    void tearDown() {
        cluster.close();
    }

    private Starling start(String name, String extra) {
        return cluster.start(name, NodeApi.CONFIG + extra);
    }

    private Mqtt5BlockingClient client(Starling node, String id) {
        return cluster.client(node, id);
    }

    /** Nodes a, b and c (a with {@code extraOnA}), once each sees the three. */
    private Starling[] three(String extraOnA) {
        Starling[] nodes = {start("a@test", extraOnA), start("b@test", ""), start("c@test", "")};
        awaitMembers(3, nodes);
        return nodes;
    }

    /** A client of {@code node} whose disconnection completes {@code gone} with its cause. */
    private Mqtt5BlockingClient watched(Starling node, String id, CompletableFuture<Throwable> gone) {
        Mqtt5BlockingClient c = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(node.port())
                .addDisconnectedListener(ctx -> gone.complete(ctx.getCause())).buildBlocking();
        c.connect();
        return cluster.disconnectOnClose(c);
    }

    private static void awaitMembers(int n, Starling... nodes) {
        LocalCluster.awaitMembers(n, nodes);
    }

    private static List<String> texts(JsonNode array, String field) {
        return StreamSupport.stream(array.spliterator(), false).map(n -> n.path(field).asText()).toList();
    }

    @Test
    void everyMemberItsLinksAndThePerPeerSeriesAreSeenFromAnyNode() throws Exception {
        Starling[] started = three("node.sys_interval = 200ms\n");
        Starling a = started[0];
        Starling b = started[1];
        Starling c = started[2];
        Mqtt5BlockingClient device = client(c, "device-on-c");
        NodeApi api = NodeApi.of(a);

        JsonNode nodes = api.get("/api/v5/nodes").json();
        assertThat(texts(nodes, "node")).containsExactly("a@test", "b@test", "c@test");
        for (JsonNode n : nodes) {
            assertThat(n.get("node_status").asText()).isEqualTo("running");
            assertThat(n.get("version").asText()).isNotEmpty();
            assertThat(n.get("uptime_seconds").asLong()).isNotNegative();
            // Each node answers for itself: its heap too, not only what the others last heard.
            assertThat(n.get("heap_used_bytes").asLong()).isPositive();
        }
        assertThat(nodes.get(2).get("connections").asInt()).isEqualTo(1);
        assertThat(api.get("/api/v5/nodes/c@test").json().get("sessions").asInt()).isEqualTo(1);
        assertThat(api.get("/api/v5/nodes/nowhere@test").status()).isEqualTo(404);
        assertThat(texts(api.get("/api/v5/brokers").json(), "node")).containsExactly("a@test", "b@test", "c@test");

        // A subscriber on a, a publisher on b: b forwards to a, and both count it on their link.
        Mqtt5BlockingClient subscriber = client(a, "sub-on-a");
        subscriber.subscribeWith().topicFilter("ops/#").qos(MqttQos.AT_LEAST_ONCE).send();
        await().atMost(Duration.ofSeconds(10)).until(() -> LocalCluster.cluster(b).remoteRows()
                .getOrDefault("a@test", 0) == 1);
        try (Mqtt5BlockingClient.Mqtt5Publishes in = subscriber.publishes(MqttGlobalPublishFilter.SUBSCRIBED)) {
            client(b, "pub-on-b").publishWith().topic("ops/1").qos(MqttQos.AT_LEAST_ONCE)
                    .payload("twelve bytes".getBytes(StandardCharsets.UTF_8)).send();
            assertThat(in.receive(10, TimeUnit.SECONDS)).isPresent();
        }
        NodeApi onB = NodeApi.of(b);
        JsonNode view = onB.get("/api/v5/cluster").json();
        assertThat(view.get("enabled").asBoolean()).isTrue();
        assertThat(view.get("name").asText()).isEqualTo("starling");
        assertThat(view.get("node").asText()).isEqualTo("b@test");
        assertThat(texts(view.get("members"), "node")).containsExactly("a@test", "b@test", "c@test");
        assertThat(texts(view.get("links"), "peer")).containsExactly("a@test", "c@test");
        JsonNode toA = view.get("links").get(0);
        assertThat(toA.get("link").asText()).isEqualTo("up");
        assertThat(toA.get("forwarded").asLong()).isEqualTo(1);
        assertThat(toA.get("forwarded_bytes").asLong()).isPositive();
        assertThat(toA.get("route_rows").asInt()).isEqualTo(1);

        String metrics = onB.get("/api/v5/prometheus/stats").body();
        assertThat(metrics)
                .contains("starling_cluster_members{node=\"b@test\"} 3.0")
                .contains("starling_cluster_link_up{node=\"b@test\",peer=\"a@test\"} 1.0")
                .contains("starling_cluster_link_up{node=\"b@test\",peer=\"c@test\"} 1.0")
                .contains("starling_cluster_forwarded_messages_total{node=\"b@test\",peer=\"a@test\"} 1.0")
                .contains("starling_cluster_forwarded_messages_total{node=\"b@test\",peer=\"c@test\"} 0.0")
                .contains("starling_cluster_route_rows{node=\"b@test\",peer=\"a@test\"} 1.0")
                .contains("starling_cluster_dropped_messages_total{node=\"b@test\",peer=\"a@test\"} 0.0")
                .contains("starling_cluster_takeovers_total{node=\"b@test\",peer=\"a@test\"} 0.0")
                .containsPattern("starling_cluster_forwarded_bytes_total\\{node=\"b@test\",peer=\"a@test\"} [1-9]");
        assertThat(promtool(metrics)).as("promtool check metrics on the per-peer series").isBlank();
        assertThat(api.get("/metrics").body())
                .contains("starling_cluster_received_messages_total{node=\"a@test\",peer=\"b@test\"} 1.0")
                .contains("starling_cluster_local_route_rows{node=\"a@test\"} 1.0");

        // $SYS/brokers names every running member, as emqttd's does.
        Mqtt5BlockingClient monitor = client(a, "monitor-on-a");
        try (Mqtt5BlockingClient.Mqtt5Publishes in = monitor.publishes(MqttGlobalPublishFilter.SUBSCRIBED)) {
            monitor.subscribeWith().topicFilter("$SYS/brokers").send();
            Optional<Mqtt5Publish> p = in.receive(10, TimeUnit.SECONDS);
            assertThat(p).isPresent();
            assertThat(new String(p.get().getPayloadAsBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("a@test,b@test,c@test");
        }
        device.disconnect();
    }

    /** What {@code promtool check metrics} says of the text (nothing: no problem); empty without promtool. */
    private static String promtool(String metrics) throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/promtool"))) {
            return "";
        }
        Process p = new ProcessBuilder("/usr/bin/promtool", "check", "metrics").redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(metrics.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out + (p.exitValue() == 0 ? "" : "exit " + p.exitValue());
    }

    @Test
    void clientsSessionsAndSubscriptionsAreListedClusterWideAndKickedOrClearedFromAnyNode() throws Exception {
        Starling[] started = three("");
        Starling a = started[0];
        Starling b = started[1];
        Starling c = started[2];
        NodeApi api = NodeApi.of(a);
        CompletableFuture<Throwable> kicked = new CompletableFuture<>();
        Mqtt5BlockingClient onB = watched(b, "kick-me", kicked);
        onB.subscribeWith().topicFilter("devices/kick-me/cmd").qos(MqttQos.AT_LEAST_ONCE).send();
        client(a, "zeta-on-a").subscribeWith().topicFilter("$share/workers/jobs/#").send();
        client(c, "alpha-on-c");
        client(c, "mid-on-c");

        JsonNode all = api.get("/api/v5/clients").json();
        assertThat(all.at("/meta/count").asInt()).isEqualTo(4);
        assertThat(texts(all.get("data"), "clientid")).containsExactly("alpha-on-c", "kick-me", "mid-on-c",
                "zeta-on-a");
        assertThat(texts(all.get("data"), "node")).containsExactly("c@test", "b@test", "c@test", "a@test");
        // Pages cut the merged, ordered rows of every node.
        JsonNode second = api.get("/api/v5/clients?limit=2&page=2").json();
        assertThat(second.at("/meta/count").asInt()).isEqualTo(4);
        assertThat(texts(second.get("data"), "clientid")).containsExactly("mid-on-c", "zeta-on-a");
        assertThat(api.get("/api/v5/clients?like_clientid=on-c").json().at("/meta/count").asInt()).isEqualTo(2);
        // The newer filters reach the other nodes too.
        assertThat(api.get("/api/v5/clients?like_clientid=on-c&proto_name=MQTT").json().at("/meta/count").asInt())
                .isEqualTo(2);
        assertThat(api.get("/api/v5/clients?listener=nowhere:0").json().at("/meta/count").asInt()).isZero();
        assertThat(api.get("/api/v5/clients?min_inflight=1").json().at("/meta/count").asInt()).isZero();

        JsonNode shown = api.get("/api/v5/clients/kick-me").json();
        assertThat(shown.get("node").asText()).isEqualTo("b@test");
        assertThat(shown.get("connected").asBoolean()).isTrue();
        assertThat(shown.get("subscriptions_cnt").asInt()).isEqualTo(1);
        assertThat(api.get("/api/v5/sessions/kick-me").json().get("node").asText()).isEqualTo("b@test");
        JsonNode subscriptions = api.get("/api/v5/clients/kick-me/subscriptions").json();
        assertThat(texts(subscriptions, "topic")).containsExactly("devices/kick-me/cmd");
        assertThat(texts(subscriptions, "node")).containsExactly("b@test");
        JsonNode matching = api.get("/api/v5/subscriptions?match_topic=devices/kick-me/cmd").json();
        assertThat(matching.at("/meta/count").asInt()).isEqualTo(1);
        assertThat(matching.get("data").get(0).get("node").asText()).isEqualTo("b@test");

        // The route table a holds: its own rows and those of b, each with its node.
        await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/api/v5/routes").json().at("/meta/count")
                .asInt() == 2);
        JsonNode routes = api.get("/api/v5/routes").json().get("data");
        assertThat(texts(routes, "topic")).containsExactly("$share/workers/jobs/#", "devices/kick-me/cmd");
        assertThat(texts(routes, "node")).containsExactly("a@test", "b@test");

        // A subscription on behalf of a client is made by its node: elsewhere the answer names that node.
        NodeApi.Answer behalf = api.post("/api/v5/clients/kick-me/subscribe", "{\"topic\": \"x\"}");
        assertThat(behalf.status()).isEqualTo(409);
        assertThat(behalf.body()).contains("b@test");

        assertThat(api.delete("/api/v5/clients/kick-me").status()).isEqualTo(204);
        Throwable cause = kicked.get(10, TimeUnit.SECONDS);
        assertThat(cause).isInstanceOf(Mqtt5DisconnectException.class);
        assertThat(((Mqtt5DisconnectException) cause).getMqttMessage().getReasonCode())
                .isEqualTo(Mqtt5DisconnectReasonCode.ADMINISTRATIVE_ACTION);
        await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/api/v5/clients/kick-me").status() == 404);
        assertThat(api.delete("/api/v5/clients/kick-me").status()).isEqualTo(404);

        // A persistent session left on c is cleared through a.
        Mqtt5BlockingClient durable = Mqtt5Client.builder().identifier("durable-on-c").serverHost("127.0.0.1")
                .serverPort(c.port()).buildBlocking();
        durable.connectWith().cleanStart(true).sessionExpiryInterval(3600).send();
        durable.disconnect();
        JsonNode offline = api.get("/api/v5/sessions/durable-on-c").json();
        assertThat(offline.get("connected").asBoolean()).isFalse();
        assertThat(offline.get("node").asText()).isEqualTo("c@test");
        assertThat(api.delete("/api/v5/sessions/durable-on-c").status()).isEqualTo(204);
        assertThat(c.services().sessions().get("durable-on-c")).isNull();
        assertThat(api.get("/api/v5/sessions/durable-on-c").status()).isEqualTo(404);
        assertThat(api.delete("/api/v5/sessions/durable-on-c").status()).isEqualTo(404);

        // A node that does not answer within the timeout is named; the others' rows are listed all the same.
        LocalCluster.cluster(c).rpc().register("admin.list", (from, body) -> new CompletableFuture<>());
        JsonNode partial = api.get("/api/v5/clients").json();
        assertThat(partial.at("/meta/failed_nodes").fieldNames()).toIterable().containsExactly("c@test");
        assertThat(partial.at("/meta/failed_nodes/c@test").asText()).contains("did not answer admin.list");
        assertThat(texts(partial.get("data"), "clientid")).containsExactly("zeta-on-a");
        NodeApi.Answer unknown = api.get("/api/v5/clients/mid-on-c");
        assertThat(unknown.status()).as("not found, but c did not answer").isEqualTo(503);
        assertThat(unknown.json().get("message").asText()).contains("c@test");
    }

    private record Ctl(int code, String out, String err) {
    }

    /** starling-ctl as bin/starling-ctl runs it, through the node's control socket. */
    private static Ctl ctl(Starling node, String... args) {
        List<String> line = new ArrayList<>(List.of("--socket", node.config().dataDir()
                .resolve(node.config().controlSocket()).toString()));
        line.addAll(List.of(args));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = StarlingCtl.run(line.toArray(String[]::new), Map.of(), new PrintStream(out, true,
                StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Ctl(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void starlingCtlShowsTheClusterKicksAnywhereAndJoinsLeavesAndForceLeaves() throws Exception {
        Starling a = start("a@test", "");
        Starling b = start("b@test", "");
        awaitMembers(2, a, b);
        CompletableFuture<Throwable> kicked = new CompletableFuture<>();
        Mqtt5BlockingClient onB = watched(b, "ctl-on-b", kicked);
        // b's data link comes up after the view that has b, its introduction with it.
        await().atMost(Duration.ofSeconds(10)).until(() -> ctl(a, "cluster", "status").out()
                .matches("(?s).*\\nb@test\\s+up\\s.*"));

        Ctl status = ctl(a, "cluster", "status");
        assertThat(status.code()).as(status.err()).isZero();
        assertThat(status.out()).contains("cluster starling: 2 members, this node a@test")
                .containsPattern("(?m)^NODE\\s+NODE_STATUS\\s+VERSION\\s+UPTIME_SECONDS\\s+CONNECTIONS\\s+SESSIONS")
                .containsPattern("(?m)^b@test\\s+running\\s+0\\.\\S+\\s+\\d+\\s+1\\s+1$")
                .containsPattern("(?m)^PEER\\s+LINK\\s+FORWARDED")
                .containsPattern("(?m)^b@test\\s+up\\s+0\\s");
        JsonNode json = new ObjectMapper().readTree(ctl(a, "--json", "cluster", "status").out());
        assertThat(texts(json.get("members"), "node")).containsExactly("a@test", "b@test");
        assertThat(json.get("links").get(0).get("link").asText()).isEqualTo("up");

        assertThat(ctl(a, "clients", "list").out()).containsPattern("(?m)^ctl-on-b\\s+b@test\\s");
        assertThat(ctl(a, "clients", "show", "ctl-on-b").out()).containsPattern("node\\s+b@test");
        Ctl kick = ctl(a, "clients", "kick", "ctl-on-b");
        assertThat(kick.code()).as(kick.err()).isZero();
        assertThat(kick.out()).contains("disconnected on b@test");
        assertThat(kicked.get(10, TimeUnit.SECONDS)).isInstanceOf(Mqtt5DisconnectException.class);
        assertThat(ctl(a, "clients", "kick", "ctl-on-b").code()).isEqualTo(1);
        assertThat(ctl(a, "cluster", "join").code()).isEqualTo(64);

        // b leaves: a lists it as stopped until an operator removes it, then b joins again through a.
        Ctl left = ctl(b, "cluster", "leave");
        assertThat(left.code()).as(left.err()).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> ctl(a, "cluster", "status").out()
                .matches("(?s).*\\nb@test\\s+stopped.*"));
        assertThat(ctl(a, "cluster", "force-leave", "a@test").code()).isEqualTo(1);
        Ctl removed = ctl(a, "cluster", "force-leave", "b@test");
        assertThat(removed.code()).as(removed.err()).isZero();
        assertThat(ctl(a, "cluster", "status").out()).contains("1 member,").doesNotContain("b@test");
        Ctl joined = ctl(b, "cluster", "join", LocalCluster.cluster(a).controlAddress());
        assertThat(joined.code()).as(joined.err()).isZero();
        awaitMembers(2, a, b);
        await().atMost(Duration.ofSeconds(10)).until(() -> ctl(a, "cluster", "status").out()
                .contains("2 members"));
    }
}
