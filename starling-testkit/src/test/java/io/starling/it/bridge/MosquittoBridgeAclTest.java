package io.starling.it.bridge;

import static io.starling.it.bridge.MosquittoBridgeInTest.BRIDGE;
import static io.starling.it.bridge.MosquittoBridgeInTest.CONNECTS_AT_ONCE;
import static io.starling.it.bridge.MosquittoBridgeInTest.bridgeTo;
import static io.starling.it.bridge.MosquittoBridgeInTest.bytes;
import static io.starling.it.bridge.Tally.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.starling.api.ClientInfo;
import io.starling.codec.MqttProperties;
import io.starling.codec.MqttVersion;
import io.starling.codec.ReasonCode;
import io.starling.codec.packet.AckPacket;
import io.starling.codec.packet.ConnAckPacket;
import io.starling.codec.packet.ConnectPacket;
import io.starling.codec.packet.PublishPacket;
import io.starling.testkit.RawClient;
import io.starling.testkit.StarlingExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Mosquitto bridge into a node on the shipped {@code etc/acl.conf} with one rule more, naming the bridge by the
 * user it logs in as: the rule holds for what the bridge forwards, and Mosquitto's notifications (a retained
 * {@code $SYS/broker/connection/<client id>/state}, 0 as its will) pass the shipped rule for bridges.
 */
class MosquittoBridgeAclTest {
    private static final Path SHIPPED_ACL = Path.of("../starling-dist/src/main/dist/etc/acl.conf");
    private static final String BRIDGE_USER = "edge-bridge";
    /** The bridge's own rules: it may not forward secrets, and may subscribe to everything (shipped: no one). */
    private static final String BRIDGE_RULES = "{ permission = deny, who = { user = \"" + BRIDGE_USER
            + "\" }, action = publish, topics = [\"factory/secret/#\"] }\n"
            + "  { permission = allow, who = { user = \"" + BRIDGE_USER + "\" }, action = subscribe,"
            + " topics = [\"eq #\"] }";
    private static final String STATE = "$SYS/broker/connection/" + BRIDGE + "/state";

    private final BridgeEvents events = new BridgeEvents();

    @TempDir
    Path dir;

    @RegisterExtension
    final StarlingExtension starling = StarlingExtension.create(b -> b.storageType("memory").hookListener(events)
            .config("authentication.password_file = \"" + dir.resolve("passwd") + "\"\n"
                    + "authentication.password_iterations = 1000\n"
                    + "authorization.acl_file = \"" + acl(dir) + "\"\n"));

    private final List<Mqtt5AsyncClient> clients = new ArrayList<>();

    /** The shipped rules with the bridge's own rules first. */
    private static Path acl(Path dir) {
        try {
            String rules = Files.readString(SHIPPED_ACL);
            assertThat(rules).contains("rules = [\n");
            return Files.writeString(dir.resolve("acl.conf"), rules.replace("rules = [\n", "rules = [\n  "
                    + BRIDGE_RULES + "\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @BeforeEach
    void users() {
        MosquittoBroker.assumeInstalled();
        starling.node().users().add(BRIDGE_USER, "bridge-pw".toCharArray(), false);
        starling.node().users().add("root", "root-pw".toCharArray(), true);
    }

    @AfterEach
    void disconnect() {
        clients.forEach(c -> c.disconnect());
    }

    private MosquittoBroker bridge(String... lines) {
        MosquittoBroker mosquitto = start(lines);
        await().atMost(CONNECTS_AT_ONCE).until(() -> events.connected(BRIDGE) != null);
        assertThat(events.connacks(BRIDGE)).as(mosquitto.log()).containsOnly(0);
        return mosquitto;
    }

    /** Mosquitto with a bridge logging in as the bridge's user, MQTT 3.1.1 with the bit unless {@code lines} say. */
    private MosquittoBroker start(String... lines) {
        List<String> all = new ArrayList<>(List.of("remote_username " + BRIDGE_USER, "remote_password bridge-pw",
                "bridge_protocol_version mqttv311", "try_private true"));
        all.addAll(List.of(lines));
        return MosquittoBroker.start(dir, bridgeTo(starling.port(), all.toArray(String[]::new)));
    }

    private Mqtt5AsyncClient client(String id, int port, String user, String password) {
        var builder = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(port);
        if (user != null) {
            builder = builder.simpleAuth().username(user).password(bytes(password)).applySimpleAuth();
        }
        Mqtt5AsyncClient c = builder.buildAsync();
        join(c.connect());
        clients.add(c);
        return c;
    }

    @Test
    void aRuleNamingTheBridgesUserKeepsWhatItForwardsOffThatTopic() {
        try (MosquittoBroker mosquitto = bridge("notifications false", "topic # both 1")) {
            events.awaitSubscribed(BRIDGE, "#", CONNECTS_AT_ONCE);
            ClientInfo bridge = events.connected(BRIDGE);
            assertThat(bridge.username()).isEqualTo(BRIDGE_USER);
            assertThat(bridge.bridge()).isTrue();
            Tally onStarling = Tally.subscribe(client("sub-starling", starling.port(), null, null), "factory/#");
            Mqtt5AsyncClient pub = client("pub-mosquitto", mosquitto.port(), null, null);
            join(pub.publishWith().topic("factory/secret/recipe").payload(bytes("secret"))
                    .qos(MqttQos.AT_LEAST_ONCE).send());
            join(pub.publishWith().topic("factory/line-1/temp").payload(bytes("21.5"))
                    .qos(MqttQos.AT_LEAST_ONCE).send());
            // Both crossed the same bridge connection in order: the second arriving means the first was judged.
            onStarling.awaitAll(List.of("21.5"));
            assertThat(onStarling.count("secret")).isZero();
        }
    }

    @Test
    void mosquittosNotificationsPassTheShippedRuleForBridgesAndItsWillSaysWhenItDies() {
        MosquittoBroker mosquitto = bridge("topic factory/# out 1");
        try {
            Tally state = Tally.subscribe(client("sys-reader", starling.port(), "root", "root-pw"),
                    STATE);
            state.awaitAll(List.of("1"));
            // It may have come live (retain 0) before; a subscriber that comes after it gets it from the store.
            Tally later = Tally.subscribe(client("sys-reader-2", starling.port(), "root", "root-pw"), STATE);
            later.awaitAll(List.of("1"));
            assertThat(later.retain("1")).as("the state is retained").isTrue();
            mosquitto.kill();
            state.awaitAll(List.of("0"));
        } finally {
            mosquitto.close();
        }
    }

    /**
     * The example of docs/bridges.md (the address, the password and the restart timeout aside): a persistent
     * session, topics remapped under {@code factory-7/} both ways, a topic in both directions, and the state.
     */
    @Test
    void theExampleOfTheDocsWorks() {
        starling.node().users().add("edge-7", "bridge-password".toCharArray(), false);
        String example = String.join("\n",
                "connection starling",
                "address 127.0.0.1:" + starling.port(),
                "bridge_protocol_version mqttv311",
                "try_private true",
                "remote_clientid edge-7",
                "remote_username edge-7",
                "remote_password bridge-password",
                "cleansession false",
                "restart_timeout 1",
                "notifications true",
                "topic sensors/# out 1 \"\" factory-7/",
                "topic commands/# in 1 \"\" factory-7/",
                "topic status/# both 1");
        try (MosquittoBroker mosquitto = MosquittoBroker.start(dir, example)) {
            events.awaitSubscribed("edge-7", "factory-7/commands/#", CONNECTS_AT_ONCE);
            events.awaitSubscribed("edge-7", "status/#", CONNECTS_AT_ONCE);
            ClientInfo bridge = events.connected("edge-7");
            assertThat(bridge.bridge()).isTrue();
            assertThat(bridge.cleanStart()).isFalse();
            Tally state = Tally.subscribe(client("sys-reader", starling.port(), "root", "root-pw"),
                    "$SYS/broker/connection/edge-7/state");
            Tally onStarling = Tally.subscribe(client("sub-starling", starling.port(), null, null), "factory-7/#");
            Tally statusOnStarling = Tally.subscribe(client("status-starling", starling.port(), null, null),
                    "status/#");
            Tally onMosquitto = Tally.subscribe(client("sub-mosquitto", mosquitto.port(), null, null), "commands/#");
            Tally statusOnMosquitto = Tally.subscribe(client("status-mosquitto", mosquitto.port(), null, null),
                    "status/#");
            Mqtt5AsyncClient pubMosquitto = client("pub-mosquitto", mosquitto.port(), null, null);
            Mqtt5AsyncClient pubStarling = client("pub-starling", starling.port(), null, null);
            join(pubMosquitto.publishWith().topic("sensors/t1").payload(bytes("20.1")).qos(MqttQos.AT_LEAST_ONCE)
                    .send());
            join(pubStarling.publishWith().topic("factory-7/commands/reboot").payload(bytes("reboot"))
                    .qos(MqttQos.AT_LEAST_ONCE).send());
            join(pubMosquitto.publishWith().topic("status/edge").payload(bytes("edge up"))
                    .qos(MqttQos.AT_LEAST_ONCE).send());
            join(pubStarling.publishWith().topic("status/cloud").payload(bytes("cloud up"))
                    .qos(MqttQos.AT_LEAST_ONCE).send());
            state.awaitAll(List.of("1"));
            onStarling.awaitAll(List.of("20.1", "reboot"));
            onMosquitto.awaitAll(List.of("reboot"));
            statusOnStarling.awaitAll(List.of("edge up", "cloud up"));
            statusOnMosquitto.awaitAll(List.of("edge up", "cloud up"));
        }
    }

    /**
     * Without the bit (try_private false, and every MQTT 5 bridge of Mosquitto's) the bridge is a plain client, to
     * which the shipped rules refuse {@code $SYS}: its notification will is refused at CONNECT, and it connects
     * only with {@code notifications false} (or a rule naming its client id).
     */
    @Test
    void withoutTheBitTheNotificationWillIsRefusedAndNotificationsFalseConnects() {
        try (MosquittoBroker mosquitto = start("try_private false", "topic factory/# out 1")) {
            await().atMost(CONNECTS_AT_ONCE).until(() -> !events.connacks(BRIDGE).isEmpty());
            assertThat(events.connacks(BRIDGE)).as(mosquitto.log()).doesNotContain(0);
            assertThat(events.connected(BRIDGE)).isNull();
        }
        events.forget(BRIDGE);
        try (MosquittoBroker mosquitto = bridge("try_private false", "notifications false", "topic factory/# out 1")) {
            assertThat(events.connected(BRIDGE).bridge()).isFalse();
        }
    }

    /** The shipped rule gives a bridge its own state topic only; a client without the bit gets none of it. */
    @Test
    void aBridgeMayWriteOnlyItsOwnConnectionState() {
        try (RawClient bridge = connect("edge-1", true); RawClient plain = connect("edge-2", false)) {
            assertThat(publish(bridge, "$SYS/broker/connection/edge-1/state"))
                    .isEqualTo(ReasonCode.NO_MATCHING_SUBSCRIBERS);
            assertThat(publish(bridge, "$SYS/broker/connection/edge-2/state")).isEqualTo(ReasonCode.NOT_AUTHORIZED);
            assertThat(publish(bridge, "$SYS/brokers/forged")).isEqualTo(ReasonCode.NOT_AUTHORIZED);
            assertThat(publish(plain, "$SYS/broker/connection/edge-2/state")).isEqualTo(ReasonCode.NOT_AUTHORIZED);
        }
    }

    /** MQTT 5 with the bridge bit (0x85): a bridge, and MQTT 5 answers say what the ACL decided. */
    private RawClient connect(String id, boolean bridge) {
        RawClient c = RawClient.open(starling.port(), MqttVersion.MQTT_5);
        c.send(new ConnectPacket(MqttVersion.MQTT_5, id, true, 60, null, null, null, MqttProperties.NONE, bridge));
        assertThat(c.receive(ConnAckPacket.class).reasonCode()).isZero();
        return c;
    }

    private static int publish(RawClient c, String topic) {
        c.send(new PublishPacket(1, topic, "1".getBytes(StandardCharsets.UTF_8), 1, true, false, MqttProperties.NONE));
        return c.receive(AckPacket.class).reasonCode();
    }
}
