package io.starling.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient.Mqtt5Publishes;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscribe;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscription;
import java.io.File;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three packaged nodes in separate JVMs on this host, one installation, each run as
 * {@code bin/starling -c etc/nodeN.conf console} with its own name, data directory and ports, joined into one
 * cluster by static seeds on loopback: messages cross between them for real clients ({@code mosquitto_pub},
 * {@code mosquitto_sub}, the HiveMQ client), routes equal the subscriptions after 400 clients churn (figure 2 of
 * CLUSTER.md), a node killed with SIGKILL is detected and its persistent sessions resume when it comes back, and a
 * node stopped with {@code bin/starling stop} leaves at once (figure 6). The nodes are started once for the class
 * (three JVMs take seconds each on two cores); the tests run in order, the last two take nodes down.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
    private static final String COOKIE = "cluster-it-cookie-of-some-length";
    private static final String PASSWORD = "cluster-it-secret";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration POLL = Duration.ofMillis(20);
    /** Timings are for the benchmarks: the tests print them and fail only far beyond what the design wants. */
    private static final Duration GENEROUS = Duration.ofSeconds(15);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Node> nodes = new ArrayList<>();
    private final List<Mqtt5BlockingClient> clients = new ArrayList<>();
    private NodeProcess installation;
    private int[] controlPorts;

    /** One node of the cluster: its name, configuration file and the process running it now. */
    private static final class Node {
        final String name;
        final Path conf;
        NodeProcess process;

        Node(String name, Path conf) {
            this.name = name;
            this.conf = conf;
        }
    }

    /** A row of the route table or of the subscription listing: a filter and the node that holds it. */
    private record Row(String topic, String node) {
    }

    @BeforeAll
    void startThreeNodes() throws Exception {
        installation = NodeProcess.in(dir, Map.of());
        controlPorts = controlPorts(3);
        for (int i = 1; i <= 3; i++) {
            nodes.add(new Node("node" + i + "@127.0.0.1", writeConfig(i)));
        }
        // The first founds the cluster; the others join it together (neither can found a second one: both find it).
        start(nodes.get(0));
        CompletableFuture<Void> two = CompletableFuture.runAsync(() -> start(nodes.get(1)));
        start(nodes.get(2));
        two.join();
        for (Node n : nodes) {
            changeDefaultPassword(n);
        }
        for (Node n : nodes) {
            await().atMost(WAIT).pollInterval(POLL).untilAsserted(() -> assertThat(members(n)).as("members of " + n.name)
                    .isEqualTo(status("running", "running", "running")));
        }
    }

    /**
     * nodeN.conf as an operator writes it for three nodes on one host: its own name, data directory, ports and
     * cluster.bind, every node's control address as a seed. Listener and management ports come from the OS here.
     */
    private Path writeConfig(int i) throws IOException {
        Path conf = installation.home().resolve("etc/node" + i + ".conf");
        String seeds = java.util.Arrays.stream(controlPorts).mapToObj(p -> "\"127.0.0.1:" + p + "\"")
                .collect(Collectors.joining(", "));
        Files.writeString(conf, """
                include "starling.conf"
                node {
                  name = "node%d@127.0.0.1"
                  data_dir = "nodes/node%d"
                  warmup_connections = 0
                }
                listeners.tcp.default.bind = "127.0.0.1:0"
                listeners.ssl.default.enabled = false
                listeners.ws.default.bind = "127.0.0.1:0"
                listeners.wss.default.enabled = false
                management.bind = "127.0.0.1:0"
                authentication.allow_anonymous = true
                cluster {
                  enabled = true
                  bind = "127.0.0.1:%d"
                  data_bind = "127.0.0.1:0"
                  discovery = static
                  static.seeds = [%s]
                  cookie = "%s"
                }
                """.formatted(i, i, controlPorts[i - 1], seeds, COOKIE));
        return conf;
    }

    private void start(Node n) {
        n.process = installation.withConfig(n.conf, Map.of()).start();
    }

    /**
     * 1. One cluster of three: every node lists the three running; {@code mosquitto_sub} on node 1 gets what
     * {@code mosquitto_pub} sends to nodes 2 and 3, and a HiveMQ subscriber on node 3 what is sent on node 1.
     */
    @Test
    @Order(1)
    void threeNodesFormOneClusterAndCarryMessagesBetweenThem() throws Exception {
        Run status = ctl(nodes.get(0), "cluster", "status");
        assertThat(status.code()).as(status.out()).isZero();
        assertThat(status.out()).contains("cluster starling: 3 members, this node node1@127.0.0.1");
        for (Node n : nodes) {
            assertThat(status.out()).containsPattern(n.name.replace(".", "\\.") + " +running");
        }

        assumeMosquittoInstalled();
        Node one = nodes.get(0);
        Node two = nodes.get(1);
        Node three = nodes.get(2);
        Process sub = mosquitto("mosquitto_sub", one, "mqttv311", "-i", "it-sub-1", "-t", "it/across/#", "-q", "1",
                "-C", "2", "-v", "-W", "30");
        // mosquitto_sub prints nothing until a message comes: its row on the other nodes says it is subscribed.
        awaitRow(new Row("it/across/#", one.name), two, three);
        assertThat(finish(mosquitto("mosquitto_pub", two, "mqttv5", "-t", "it/across/2", "-q", "1", "-m",
                "from node 2")).code()).isZero();
        assertThat(finish(mosquitto("mosquitto_pub", three, "mqttv5", "-t", "it/across/3", "-q", "1", "-m",
                "from node 3")).code()).isZero();
        Run got = finish(sub);
        assertThat(got.code()).as(got.out()).isZero();
        assertThat(got.out().lines()).containsExactlyInAnyOrder("it/across/2 from node 2", "it/across/3 from node 3");

        Mqtt5BlockingClient hive = client(three, "it-hive-3", true);
        try (Mqtt5Publishes publishes = hive.publishes(MqttGlobalPublishFilter.SUBSCRIBED)) {
            hive.subscribeWith().topicFilter("it/hive/#").qos(MqttQos.AT_LEAST_ONCE).send();
            awaitRow(new Row("it/hive/#", three.name), one);
            assertThat(finish(mosquitto("mosquitto_pub", one, "mqttv311", "-t", "it/hive/1", "-q", "1", "-m",
                    "from node 1")).code()).isZero();
            Optional<Mqtt5Publish> m = publishes.receive(10, TimeUnit.SECONDS);
            assertThat(m).as("the message from node 1 on node 3").isPresent();
            assertThat(m.get().getTopic().toString()).isEqualTo("it/hive/1");
            assertThat(new String(m.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("from node 1");
            assertThat(m.get().getQos()).isEqualTo(MqttQos.AT_LEAST_ONCE);
        }
        hive.disconnect();
    }

    /**
     * The failure detector listens where the control channel does ({@code cluster.bind}'s host), not on every
     * interface: a node bound to loopback opens nothing to the network.
     */
    @Test
    @Order(2)
    void failureDetectionListensOnlyOnTheClusterBindAddress() throws Exception {
        InetAddress external = null;
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                if (nic.isUp() && !a.isLoopbackAddress() && a instanceof Inet4Address) {
                    external = a;
                }
            }
        }
        Assumptions.assumeTrue(external != null, "this host has no address other than loopback");
        // FD_SOCK2 takes the control port + 100, or one of the next three when that is taken.
        for (int offset = 100; offset <= 103; offset++) {
            int port = controlPorts[0] + offset;
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(external, port), 2_000);
                throw new AssertionError("node 1, bound to 127.0.0.1, accepts connections on " + external + ":" + port);
            } catch (ConnectException expected) {
                // refused: nothing listens there
            }
        }
    }

    /**
     * 2. Figure 2: 400 clients spread over the three nodes connect, subscribe to a few of 360 filters (shared ones
     * among them), unsubscribe some, subscribe again, and some disconnect (a fifth keep their session); then
     * every node's route table is the union of every node's subscriptions, one row per filter and node.
     */
    @Test
    @Order(3)
    void afterFourHundredClientsChurnEveryNodesRoutesAreTheUnionOfTheSubscriptions() {
        // Many filters, few clients on each per node: rows come and go as the clients do.
        List<String> filters = new ArrayList<>();
        for (char c = 'a'; c <= 't'; c++) {
            for (int d = 0; d < 15; d++) {
                filters.add("churn/" + c + "/" + d);
            }
            filters.add("churn/" + c + "/#");
            filters.add("$share/g" + c + "/churn/" + c + "/+");
            filters.add("churn/+/" + (c - 'a'));
        }
        Random random = new Random(24);
        List<Mqtt5AsyncClient> churners = new ArrayList<>();
        List<CompletableFuture<?>> done = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            Node n = nodes.get(i % 3);
            boolean persistent = i % 5 == 0;
            Mqtt5AsyncClient c = Mqtt5Client.builder().identifier("churn-" + i).serverHost("127.0.0.1")
                    .serverPort(n.process.port()).buildAsync();
            churners.add(c);
            List<String> first = pick(filters, 1 + random.nextInt(4), random);
            List<String> dropped = random.nextBoolean() ? first.subList(0, 1) : List.of();
            List<String> again = random.nextInt(3) == 0 ? pick(filters, 1, random) : List.of();
            boolean disconnect = random.nextInt(5) < 2;
            CompletableFuture<?> f = c.connectWith().cleanStart(!persistent)
                    .sessionExpiryInterval(persistent ? 600 : 0).send()
                    .thenCompose(ack -> c.subscribe(subscribe(first)))
                    .thenCompose(ack -> dropped.isEmpty() ? CompletableFuture.completedFuture(null)
                            : c.unsubscribeWith().addTopicFilters(dropped.stream()
                                    .map(com.hivemq.client.mqtt.datatypes.MqttTopicFilter::of).toList()).send())
                    .thenCompose(ack -> again.isEmpty() ? CompletableFuture.completedFuture(null)
                            : c.subscribe(subscribe(again)))
                    .thenCompose(ack -> disconnect ? c.disconnect() : CompletableFuture.completedFuture(null));
            done.add(f);
        }
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).orTimeout(60, TimeUnit.SECONDS).join();
        long lastChange = System.nanoTime();

        Set<Row> subscriptions = new HashSet<>();
        long[] checkStarted = new long[1];
        await().atMost(GENEROUS).pollInterval(POLL).untilAsserted(() -> {
            checkStarted[0] = System.nanoTime();
            Set<Row> now = subscriptions(nodes.get(0));
            subscriptions.clear();
            subscriptions.addAll(now);
            for (Node n : nodes) {
                assertThat(routes(n)).as("the routes of " + n.name + ", against every node's subscriptions")
                        .isEqualTo(now);
            }
        });
        long now = System.nanoTime();
        System.out.printf("routes equal the subscriptions (%d rows) on all 3 nodes %d ms after the last of 400"
                + " clients' changes (the check that saw it began after %d ms)%n", subscriptions.size(),
                TimeUnit.NANOSECONDS.toMillis(now - lastChange),
                TimeUnit.NANOSECONDS.toMillis(checkStarted[0] - lastChange));
        assertThat(subscriptions.stream().map(Row::node).distinct()).as("rows of every node")
                .containsExactlyInAnyOrder(nodes.get(0).name, nodes.get(1).name, nodes.get(2).name);
        assertThat(subscriptions).as("shared groups among them").anyMatch(r -> r.topic().startsWith("$share/"));
        churners.forEach(c -> c.disconnect().exceptionally(e -> null));
    }

    private static List<String> pick(List<String> from, int n, Random random) {
        List<String> copy = new ArrayList<>(from);
        Collections.shuffle(copy, random);
        return List.copyOf(copy.subList(0, n));
    }

    private static Mqtt5Subscribe subscribe(List<String> filters) {
        return Mqtt5Subscribe.builder().addSubscriptions(filters.stream().map(f -> Mqtt5Subscription.builder()
                .topicFilter(f).qos(MqttQos.AT_LEAST_ONCE).build()).toList()).build();
    }

    /**
     * 3. Figure 6: node 2 killed with SIGKILL is detected by nodes 1 and 3, its route rows go; restarted on its data
     * directory it rejoins, its rows come back, and a persistent session it held resumes with its subscription and
     * the QoS 1 messages published to it on node 1 while its client was away.
     */
    @Test
    @Order(4)
    void aKilledNodeIsDetectedAndItsPersistentSessionsResumeWhenItComesBack() throws Exception {
        Node one = nodes.get(0);
        Node two = nodes.get(1);
        Node three = nodes.get(2);
        Mqtt5BlockingClient device = client(two, "it-persistent", false);
        device.subscribeWith().topicFilter("it/persist/#").qos(MqttQos.AT_LEAST_ONCE).send();
        awaitRow(new Row("it/persist/#", two.name), one, three);

        long killed = System.nanoTime();
        two.process.kill();
        Map<String, Long> detected = new TreeMap<>();
        await().atMost(GENEROUS).pollInterval(POLL).until(() -> {
            for (Node n : List.of(one, three)) {
                if (!detected.containsKey(n.name) && routes(n).stream().noneMatch(r -> r.node().equals(two.name))) {
                    detected.put(n.name, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
                }
            }
            return detected.size() == 2;
        });
        System.out.printf("kill -9 detected in %d ms (route rows of node 2 gone: %s)%n",
                Collections.max(detected.values()), detected);
        assertThat(members(one)).isEqualTo(status("running", "stopped", "running"));
        assertThat(members(three)).isEqualTo(status("running", "stopped", "running"));

        // Back on its data directory: the session it restored is the cluster's again.
        start(two);
        long started = System.nanoTime();
        await().atMost(GENEROUS).pollInterval(POLL).until(() -> routes(one).contains(new Row("it/persist/#", two.name)));
        long rowsBackMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        System.out.printf("node 2's restored rows reached node 1 %d ms after node 2 started%n", rowsBackMs);
        // A node's rows reach the others within milliseconds of its joining (the snapshot sent when they meet);
        // this bound is far above that and below the 5 s status round that would mask a snapshot never sent.
        assertThat(rowsBackMs).as("ms until node 1 has node 2's restored rows").isLessThan(3_000);
        for (Node n : nodes) {
            await().atMost(WAIT).pollInterval(POLL).untilAsserted(() -> assertThat(members(n)).as("members of " + n.name)
                    .isEqualTo(status("running", "running", "running")));
        }

        Mqtt5BlockingClient publisher = client(one, "it-publisher-1", true);
        for (int i = 0; i < 3; i++) {
            publisher.publishWith().topic("it/persist/" + i).qos(MqttQos.AT_LEAST_ONCE)
                    .payload(("queued " + i).getBytes(StandardCharsets.UTF_8)).send();
        }
        Mqtt5BlockingClient back = Mqtt5Client.builder().identifier("it-persistent").serverHost("127.0.0.1")
                .serverPort(two.process.port()).buildBlocking();
        try (Mqtt5Publishes publishes = back.publishes(MqttGlobalPublishFilter.ALL)) {
            Mqtt5ConnAck ack = back.connectWith().cleanStart(false).sessionExpiryInterval(600).send();
            clients.add(back);
            assertThat(ack.isSessionPresent()).as("the session restored by node 2").isTrue();
            for (int i = 0; i < 3; i++) {
                assertThat(payload(publishes.receive(10, TimeUnit.SECONDS))).isEqualTo("queued " + i);
            }
            publisher.publishWith().topic("it/persist/live").qos(MqttQos.AT_LEAST_ONCE)
                    .payload("live".getBytes(StandardCharsets.UTF_8)).send();
            assertThat(payload(publishes.receive(10, TimeUnit.SECONDS))).isEqualTo("live");
        }
        back.disconnect();
    }

    /**
     * 4. A node stopped with {@code bin/starling -c node3.conf stop} leaves the cluster: the others drop its rows
     * and list it as stopped at once, without waiting for a failure detector. The persistent session it held is
     * handed to another node first: messages published while it is down wait there, and its client finds it.
     */
    @Test
    @Order(5)
    void aStoppedNodeLeavesTheClusterAtOnce() throws Exception {
        Node three = nodes.get(2);
        List<Node> others = nodes.subList(0, 2);
        Mqtt5BlockingClient sub = client(three, "it-on-3", true);
        sub.subscribeWith().topicFilter("it/stop/#").qos(MqttQos.AT_LEAST_ONCE).send();
        awaitRow(new Row("it/stop/#", three.name), others.toArray(Node[]::new));
        Mqtt5BlockingClient keeper = client(three, "it-keeper", false);
        keeper.subscribeWith().topicFilter("it/kept/#").qos(MqttQos.AT_LEAST_ONCE).send();
        keeper.disconnect();
        awaitRow(new Row("it/kept/#", three.name), others.toArray(Node[]::new));

        long asked = System.nanoTime();
        Run stop = starling(three, "stop");
        long exited = System.nanoTime();
        assertThat(stop.code()).as(stop.out()).isZero();
        assertThat(stop.out()).endsWith("Starling stopped");
        await().atMost(GENEROUS).pollInterval(POLL).until(() -> {
            for (Node n : others) {
                if (!members(n).equals(status("running", "running", "stopped"))
                        || routes(n).stream().anyMatch(r -> r.node().equals(three.name))) {
                    return false;
                }
            }
            return true;
        });
        long now = System.nanoTime();
        System.out.printf("stopped node 3 left the cluster %d ms after `bin/starling stop` (%d ms after it exited)%n",
                TimeUnit.NANOSECONDS.toMillis(now - asked), TimeUnit.NANOSECONDS.toMillis(now - exited));
        await().atMost(WAIT).until(() -> !sub.getState().isConnected());

        Mqtt5BlockingClient publisher = client(others.get(0), "it-kept-publisher", true);
        publisher.publishWith().topic("it/kept/1").qos(MqttQos.AT_LEAST_ONCE)
                .payload("while away".getBytes(StandardCharsets.UTF_8)).send();
        Mqtt5BlockingClient back = Mqtt5Client.builder().identifier("it-keeper").serverHost("127.0.0.1")
                .serverPort(others.get(1).process.port()).buildBlocking();
        try (Mqtt5BlockingClient.Mqtt5Publishes received = back.publishes(MqttGlobalPublishFilter.ALL)) {
            assertThat(back.connectWith().cleanStart(false).sessionExpiryInterval(600).send().isSessionPresent())
                    .as("the session node 3 handed over").isTrue();
            clients.add(back);
            assertThat(payload(received.receive(10, TimeUnit.SECONDS))).isEqualTo("while away");
        }
    }

    // ---- the nodes' management API ----

    /** Each node's state as {@code node} says ({@code GET /api/v5/nodes}), by name. */
    private Map<String, String> members(Node n) throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (JsonNode m : get(n, "/api/v5/nodes")) {
            out.put(m.get("node").asText(), m.get("node_status").asText());
        }
        return out;
    }

    /** Node 1, 2 and 3 in these states. */
    private Map<String, String> status(String one, String two, String three) {
        return new TreeMap<>(Map.of(nodes.get(0).name, one, nodes.get(1).name, two, nodes.get(2).name, three));
    }

    /** The route table {@code n} holds: its own rows and every other node's. */
    private Set<Row> routes(Node n) throws Exception {
        return rows(get(n, "/api/v5/routes?limit=10000"));
    }

    /** Every node's subscriptions, as the node asked merges them. */
    private Set<Row> subscriptions(Node n) throws Exception {
        JsonNode page = get(n, "/api/v5/subscriptions?limit=10000");
        assertThat(page.path("meta").path("failed_nodes").isMissingNode()).as(page.toString()).isTrue();
        return rows(page);
    }

    private static Set<Row> rows(JsonNode page) {
        assertThat(page.path("meta").path("count").asInt()).as("rows fit one page").isLessThan(10_000);
        Set<Row> rows = new HashSet<>();
        for (JsonNode r : page.get("data")) {
            rows.add(new Row(r.get("topic").asText(), r.get("node").asText()));
        }
        return rows;
    }

    private void awaitRow(Row row, Node... on) {
        for (Node n : on) {
            await().atMost(WAIT).pollInterval(POLL).until(() -> routes(n).contains(row));
        }
    }

    private JsonNode get(Node n, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(api(n, path)).header("Authorization",
                basic("admin", PASSWORD)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + " on " + n.name + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** The first login must change the default password (docs/management.md); from loopback it may. */
    private void changeDefaultPassword(Node n) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(api(n, "/api/v5/admins/admin/password"))
                .header("Authorization", basic("admin", "public")).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"new_password\": \"" + PASSWORD + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 204);
    }

    private static URI api(Node n, String path) {
        return URI.create("http://127.0.0.1:" + n.process.port("management") + path);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    // ---- clients and commands ----

    /** A connected client of {@code n}; without a clean start, its session outlives the connection (10 minutes). */
    private Mqtt5BlockingClient client(Node n, String id, boolean cleanStart) {
        Mqtt5BlockingClient c = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(n.process.port())
                .buildBlocking();
        c.connectWith().cleanStart(cleanStart).sessionExpiryInterval(cleanStart ? 0 : 600).send();
        clients.add(c);
        return c;
    }

    private static String payload(Optional<Mqtt5Publish> m) {
        assertThat(m).as("a message within 10 s").isPresent();
        return new String(m.get().getPayloadAsBytes(), StandardCharsets.UTF_8);
    }

    private static void assumeMosquittoInstalled() {
        boolean found = false;
        String path = System.getenv("PATH");
        for (String d : path == null ? new String[0] : path.split(File.pathSeparator)) {
            found |= Files.isExecutable(Path.of(d, "mosquitto_sub")) && Files.isExecutable(Path.of(d, "mosquitto_pub"));
        }
        if (!found) {
            System.err.println("*** SKIPPED: mosquitto_pub/mosquitto_sub not on PATH (Debian's mosquitto-clients)");
        }
        Assumptions.assumeTrue(found, "mosquitto-clients not installed");
    }

    private static Process mosquitto(String program, Node n, String version, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(program, "-h", "127.0.0.1", "-p",
                String.valueOf(n.process.port()), "-V", version));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private record Run(int code, String out) {
    }

    private static Run finish(Process p) throws Exception {
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
        return new Run(p.exitValue(), out);
    }

    private Run ctl(Node n, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(NodeProcess.dist().resolve("bin/starling-ctl").toString(), "-c",
                n.conf.toString()));
        command.addAll(List.of(args));
        return run(command);
    }

    private Run starling(Node n, String command) throws Exception {
        return run(List.of(NodeProcess.dist().resolve("bin/starling").toString(), "-c", n.conf.toString(), command));
    }

    private Run run(List<String> command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("STARLING_HOME", installation.home().toString());
        return finish(pb.start());
    }

    /**
     * Control ports from the OS for {@code n} nodes. Failure detection (JGroups' FD_SOCK2) listens on the control port
     * + 100 (or one of the three after it): those must be free too, and apart from every other node's ports.
     */
    private static int[] controlPorts(int n) throws IOException {
        int[] ports = new int[n];
        int found = 0;
        while (found < n) {
            int p;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                p = s.getLocalPort();
            }
            boolean usable = p + 103 <= 65_535;
            for (int i = 0; i < found && usable; i++) {
                int apart = Math.abs(p - ports[i]);
                usable = apart > 3 && Math.abs(apart - 100) > 3;
            }
            for (int offset = 100; offset <= 103 && usable; offset++) {
                try (ServerSocket s = new ServerSocket(p + offset, 1, InetAddress.getLoopbackAddress())) {
                    usable = true;
                } catch (IOException taken) {
                    usable = false;
                }
            }
            if (usable) {
                ports[found++] = p;
            }
        }
        return ports;
    }

    @AfterAll
    void stopAll() {
        for (Mqtt5BlockingClient c : clients) {
            if (c.getState().isConnected()) {
                c.disconnect();
            }
        }
        for (Node n : nodes) {
            if (n.process != null) {
                n.process.close();
            }
        }
    }
}
