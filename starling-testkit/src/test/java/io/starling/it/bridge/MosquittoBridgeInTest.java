package io.starling.it.bridge;

import static io.starling.it.bridge.Tally.join;
import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import io.starling.api.ClientInfo;
import io.starling.broker.bootstrap.Starling;
import io.starling.broker.control.StarlingCtl;
import io.starling.testkit.StarlingExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Debian's Mosquitto bridging into the node ({@code connection}, {@code address}, {@code topic}), with and without
 * {@code try_private}: the bridge bit accepted at once, the bridge visible as one, messages both ways, and a bridge
 * in both directions on the same topics without a loop. HiveMQ clients publish and count on each side.
 */
class MosquittoBridgeInTest {
    static final String BRIDGE = "mosq-bridge";
    /** Well below the tens of seconds Mosquitto takes to fall back to a plain client after a refusal. */
    static final Duration CONNECTS_AT_ONCE = Duration.ofSeconds(8);

    private final BridgeEvents events = new BridgeEvents();

    @RegisterExtension
    final StarlingExtension starling = StarlingExtension.create(b -> b.storageType("memory").hookListener(events));

    @TempDir
    Path dir;

    private final List<Mqtt5AsyncClient> clients = new ArrayList<>();

    @BeforeEach
    void requireMosquitto() {
        MosquittoBroker.assumeInstalled();
    }

    @org.junit.jupiter.api.AfterEach
    void disconnect() {
        clients.forEach(c -> c.disconnect());
    }

    /** A Mosquitto bridge section to the test node: {@code lines} add topics and protocol settings. */
    static String bridgeTo(int port, String... lines) {
        return String.join("\n", "connection starling", "address 127.0.0.1:" + port, "remote_clientid " + BRIDGE,
                "cleansession true", "restart_timeout 1", String.join("\n", lines));
    }

    private Mqtt5AsyncClient client(String id, int port) {
        Mqtt5AsyncClient c = Tally.client(id, port);
        clients.add(c);
        return c;
    }

    @Test
    void aBridgeWithTryPrivateIsAcceptedAtOnceShownAsABridgeAndCarriesMessagesBothWays() {
        long start = System.nanoTime();
        try (MosquittoBroker mosquitto = MosquittoBroker.start(dir, bridgeTo(starling.port(),
                "bridge_protocol_version mqttv311", "try_private true",
                "topic to-starling/# out 1", "topic to-mosquitto/# in 1"))) {
            events.awaitSubscribed(BRIDGE, "to-mosquitto/#", CONNECTS_AT_ONCE);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(CONNECTS_AT_ONCE);
            assertThat(events.connacks(BRIDGE)).as(mosquitto.log()).containsOnly(0);
            ClientInfo bridge = events.connected(BRIDGE);
            assertThat(bridge.bridge()).isTrue();
            assertThat(bridge.protocolVersion()).isEqualTo(4);
            assertThat(ctl(starling.node(), "clients", "show", BRIDGE)).containsPattern("is_bridge\\s+true");
            assertThat(ctl(starling.node(), "--json", "clients", "list")).containsPattern("\"is_bridge\"\\s*:\\s*true");
            assertThat(mosquitto.log()).doesNotContain("unacceptable protocol version");

            Tally onStarling = Tally.subscribe(client("sub-starling", starling.port()), "to-starling/#");
            Tally onMosquitto = Tally.subscribe(client("sub-mosquitto", mosquitto.port()), "to-mosquitto/#");
            Mqtt5AsyncClient pubMosquitto = client("pub-mosquitto", mosquitto.port());
            Mqtt5AsyncClient pubStarling = client("pub-starling", starling.port());
            join(pubMosquitto.publishWith().topic("to-starling/a").payload(bytes("from mosquitto"))
                    .qos(MqttQos.AT_LEAST_ONCE).send());
            join(pubStarling.publishWith().topic("to-mosquitto/b").payload(bytes("from starling"))
                    .qos(MqttQos.AT_LEAST_ONCE).send());
            onStarling.awaitAll(List.of("from mosquitto"));
            onMosquitto.awaitAll(List.of("from starling"));
        }
    }

    /**
     * Retain-as-published: the node sends the bridge a retained message with its retain flag set (an MQTT 3
     * subscriber would otherwise get it cleared), so Mosquitto retains it too and gives it to a late subscriber.
     */
    @Test
    void aRetainedMessageFromTheNodeIsRetainedOnTheMosquittoSideToo() {
        try (MosquittoBroker mosquitto = MosquittoBroker.start(dir, bridgeTo(starling.port(),
                "bridge_protocol_version mqttv311", "try_private true", "topic status/# in 1"))) {
            events.awaitSubscribed(BRIDGE, "status/#", CONNECTS_AT_ONCE);
            Tally early = Tally.subscribe(client("early-mosquitto", mosquitto.port()), "status/#");
            join(client("pub-starling", starling.port()).publishWith().topic("status/line-1").payload(bytes("running"))
                    .qos(MqttQos.AT_LEAST_ONCE).retain(true).send());
            early.awaitAll(List.of("running"));
            Tally late = Tally.subscribe(client("late-mosquitto", mosquitto.port()), "status/#");
            late.awaitAll(List.of("running"));
            assertThat(late.retain("running")).as("Mosquitto kept it as retained").isTrue();
        }
    }

    /**
     * {@code topic loop/# both 1}: Mosquitto subscribes to {@code loop/#} here and forwards its own {@code loop/#}.
     * Without no-local on the bridge's subscription, every message from the Mosquitto side would come back to it.
     * MQTT 5 bridges send no bridge bit; Mosquitto asks for no-local itself then.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"mqttv311", "mqttv31", "mqttv50"})
    void bridgedBothWaysEveryMessageArrivesExactlyOnceOnEachSide(String protocol) {
        try (MosquittoBroker mosquitto = MosquittoBroker.start(dir, bridgeTo(starling.port(),
                "bridge_protocol_version " + protocol, "try_private true", "topic loop/# both 1"))) {
            events.awaitSubscribed(BRIDGE, "loop/#", CONNECTS_AT_ONCE);
            assertThat(events.connacks(BRIDGE)).as(mosquitto.log()).containsOnly(0);
            assertThat(events.connected(BRIDGE).bridge()).isEqualTo(!protocol.equals("mqttv50"));

            Map<String, Integer> odd = exchange(mosquitto, 200);
            assertThat(odd.size()).as("payloads that did not arrive exactly once (side:payload=count), the first: "
                    + odd.entrySet().stream().limit(10).toList()).isZero();
        }
    }

    /** A bridge without the bit is a plain client: it works for topics that go one way. */
    @Test
    void aBridgeWithoutTryPrivateIsAPlainClientAndCarriesInAndOutTopics() {
        try (MosquittoBroker mosquitto = MosquittoBroker.start(dir, bridgeTo(starling.port(),
                "bridge_protocol_version mqttv311", "try_private false",
                "topic to-starling/# out 1", "topic to-mosquitto/# in 1"))) {
            events.awaitSubscribed(BRIDGE, "to-mosquitto/#", CONNECTS_AT_ONCE);
            assertThat(events.connected(BRIDGE).bridge()).isFalse();
            assertThat(ctl(starling.node(), "clients", "show", BRIDGE)).containsPattern("is_bridge\\s+false");
            Tally onStarling = Tally.subscribe(client("sub-starling", starling.port()), "to-starling/#");
            Tally onMosquitto = Tally.subscribe(client("sub-mosquitto", mosquitto.port()), "to-mosquitto/#");
            join(client("pub-mosquitto", mosquitto.port()).publishWith().topic("to-starling/a")
                    .payload(bytes("from mosquitto")).qos(MqttQos.AT_LEAST_ONCE).send());
            join(client("pub-starling", starling.port()).publishWith().topic("to-mosquitto/b")
                    .payload(bytes("from starling")).qos(MqttQos.AT_LEAST_ONCE).send());
            onStarling.awaitAll(List.of("from mosquitto"));
            onMosquitto.awaitAll(List.of("from starling"));
        }
    }

    /**
     * Why the bit matters: a plain-client bridge in both directions gets back what it forwarded, and Mosquitto's
     * local subscribers receive their own side's messages twice (docs/bridges.md says so). Shows too that
     * {@link #exchange} sees a loop when there is one.
     */
    @Test
    void aBridgeWithoutTryPrivateInBothDirectionsLoopsMosquittosMessagesBack() {
        try (MosquittoBroker mosquitto = MosquittoBroker.start(dir, bridgeTo(starling.port(),
                "bridge_protocol_version mqttv311", "try_private false", "topic loop/# both 1"))) {
            events.awaitSubscribed(BRIDGE, "loop/#", CONNECTS_AT_ONCE);
            Map<String, Integer> odd = exchange(mosquitto, 20);
            assertThat(odd).containsEntry("mosquitto:m-0", 2).containsEntry("mosquitto:m-19", 2);
        }
    }

    /**
     * Publishes {@code n} QoS 1 messages on each side to {@code loop/...}, counts them on a subscriber of each side,
     * then proves nothing more is on its way: a marker published on the node once its subscriber has everything
     * follows every copy the node sent the bridge, and arrives on the Mosquitto side after them, and the same the
     * other way round. Returns {@code side:payload} -> count for every payload that did not arrive exactly once.
     */
    private Map<String, Integer> exchange(MosquittoBroker mosquitto, int n) {
        Tally onMosquitto = Tally.subscribe(client("sub-mosquitto", mosquitto.port()), "loop/#");
        Tally onStarling = Tally.subscribe(client("sub-starling", starling.port()), "loop/#");
        Mqtt5AsyncClient pubMosquitto = client("pub-mosquitto", mosquitto.port());
        Mqtt5AsyncClient pubStarling = client("pub-starling", starling.port());
        List<String> expected = new ArrayList<>();
        List<CompletableFuture<?>> sent = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sent.add(pubMosquitto.publishWith().topic("loop/m/" + i).payload(bytes("m-" + i))
                    .qos(MqttQos.AT_LEAST_ONCE).send());
            sent.add(pubStarling.publishWith().topic("loop/s/" + i).payload(bytes("s-" + i))
                    .qos(MqttQos.AT_LEAST_ONCE).send());
            expected.add("m-" + i);
            expected.add("s-" + i);
        }
        sent.forEach(f -> join(f));
        onMosquitto.awaitAll(expected);
        onStarling.awaitAll(expected);
        join(pubStarling.publishWith().topic("loop/end").payload(bytes("end from starling"))
                .qos(MqttQos.AT_LEAST_ONCE).send());
        join(pubMosquitto.publishWith().topic("loop/end").payload(bytes("end from mosquitto"))
                .qos(MqttQos.AT_LEAST_ONCE).send());
        List<String> markers = List.of("end from starling", "end from mosquitto");
        onMosquitto.awaitAll(markers);
        onStarling.awaitAll(markers);
        expected.addAll(markers);
        Map<String, Integer> odd = new java.util.TreeMap<>();
        onMosquitto.notOnce(expected).forEach((p, c) -> odd.put("mosquitto:" + p, c));
        onStarling.notOnce(expected).forEach((p, c) -> odd.put("starling:" + p, c));
        return odd;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** starling-ctl as bin/starling-ctl runs it, through the node's control socket; its output. */
    static String ctl(Starling node, String... args) {
        List<String> line = new ArrayList<>(List.of("--socket",
                node.config().dataDir().resolve(node.config().controlSocket()).toString()));
        line.addAll(List.of(args));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = StarlingCtl.run(line.toArray(String[]::new), Map.of(), new PrintStream(out, true,
                StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }
}
