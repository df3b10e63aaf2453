package io.starling.it.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscribe;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscription;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.starling.api.auth.Authorizer;
import io.starling.it.MosquittoClients;
import io.starling.testkit.StarlingExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A shared subscription is judged on the filter it matches with: {@code $share/g/$SYS/#} and {@code $queue/$SYS/#}
 * are refused where {@code $SYS/#} is, {@code $share/g/#} where {@code #} is, and an allow rule for
 * {@code devices/%c/#} allows {@code $share/g/devices/<own id>/#}. Checked with mosquitto_sub and the HiveMQ client
 * on the shipped {@code etc/acl.conf}, and on that file with its last rule (allow everything else) replaced by the
 * per-device rule and {@code authorization.no_match = deny}.
 */
class SharedSubscriptionAclTest {
    private static final Path SHIPPED_ACL = Path.of("../starling-dist/src/main/dist/etc/acl.conf");
    private static final String ALLOW_ALL = "{ permission = allow, who = all }";

    /** The shipped rules: $SYS/# and "eq #" denied to everyone but superusers, everything else allowed. */
    @RegisterExtension
    static final StarlingExtension SHIPPED = StarlingExtension.create(b -> b.storageType("memory")
            .config(nodeConfig("shipped", "")));

    /** The shipped rules, but each client may only use its own device tree. */
    @RegisterExtension
    static final StarlingExtension DEVICES = StarlingExtension.create(b -> b.storageType("memory")
            .config(nodeConfig("devices", "authorization.no_match = deny\n")));

    /** What a plugged-in authorizer is asked, in order. */
    private static final List<String> ASKED = new CopyOnWriteArrayList<>();

    /** A node whose only rules are an authorizer that records what it is asked and allows it. */
    @RegisterExtension
    static final StarlingExtension PLUGGED = StarlingExtension.create(b -> b.storageType("memory")
            .authorizer((client, action, topic) -> {
                ASKED.add(action + " " + topic);
                return CompletableFuture.completedFuture(Authorizer.Decision.ALLOW);
            }));

    private static String nodeConfig(String name, String more) {
        try {
            // Under target/: the files outlive the class's nodes, and the next clean build removes them.
            Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target").toAbsolutePath()),
                    "acl-" + name + "-");
            String rules = Files.readString(SHIPPED_ACL);
            if (name.equals("devices")) {
                assertThat(rules).as("the shipped acl.conf ends with an allow-all rule").contains(ALLOW_ALL);
                rules = rules.replace(ALLOW_ALL, "{ permission = allow, who = all, topics = [\"devices/%c/#\"] }");
            }
            Path acl = Files.writeString(dir.resolve("acl.conf"), rules);
            return "authentication.allow_anonymous = false\n"
                    + "authentication.password_file = \"" + dir.resolve("passwd") + "\"\n"
                    + "authentication.password_iterations = 1000\n"
                    + "authorization.acl_file = \"" + acl + "\"\n" + more;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @BeforeAll
    static void users() {
        SHIPPED.node().users().add("alice", "alice-pw".toCharArray(), false);
        DEVICES.node().users().add("alice", "alice-pw".toCharArray(), false);
    }

    /**
     * What SUBACK mosquitto_sub, as client {@code id}, got for each filter (one run each): "filter: code", the code
     * from its debug line "Subscribed (mid: 1): code".
     */
    private static List<String> mosquittoSubacks(StarlingExtension broker, String version, String id,
            String... filters) {
        MosquittoClients.assumeInstalled();
        return Stream.of(filters).map(f -> f + ": " + mosquittoSuback(broker, version, id, f)).toList();
    }

    private static String mosquittoSuback(StarlingExtension broker, String version, String id, String filter) {
        Process p = MosquittoClients.sub(broker.port(), version, "-u", "alice", "-P", "alice-pw", "-i", id,
                "-t", filter, "-q", "1", "-E", "-d");
        try {
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("mosquitto_sub exits after its SUBACK").isTrue();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String line = out.lines().filter(l -> l.startsWith("Subscribed (mid:")).findFirst()
                    .orElseThrow(() -> new AssertionError("no SUBACK in: " + out));
            return line.substring(line.lastIndexOf(' ') + 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            p.destroyForcibly();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"mqttv311", "mqttv5"})
    void mosquittoSubCannotReachSysOrEverythingThroughASharePrefix(String version) {
        assertThat(mosquittoSubacks(SHIPPED, version, "m-shipped", "$SYS/#", "$share/g/$SYS/#", "$queue/$SYS/#", "#",
                "$share/g/#", "$queue/#", "$share/g/news/#")).containsExactly("$SYS/#: 128", "$share/g/$SYS/#: 128",
                "$queue/$SYS/#: 128", "#: 128", "$share/g/#: 128", "$queue/#: 128", "$share/g/news/#: 1");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"mqttv311", "mqttv5"})
    void mosquittoSubGetsItsOwnDeviceTreeSharedAndNoOtherOne(String version) {
        assertThat(mosquittoSubacks(DEVICES, version, "dev-m", "$share/g/devices/dev-m/#", "$queue/devices/dev-m/+",
                "$share/g/devices/dev-x/#", "$share/g/devices/+/#", "$share/g/$SYS/#")).containsExactly(
                "$share/g/devices/dev-m/#: 1", "$queue/devices/dev-m/+: 1", "$share/g/devices/dev-x/#: 128",
                "$share/g/devices/+/#: 128", "$share/g/$SYS/#: 128");
    }

    private static Mqtt5BlockingClient hivemq(StarlingExtension broker, String id) {
        Mqtt5BlockingClient c = Mqtt5Client.builder().identifier(id).serverHost(broker.host())
                .serverPort(broker.port()).buildBlocking();
        c.connectWith().simpleAuth().username("alice").password("alice-pw".getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth().send();
        return c;
    }

    /** The reason codes of one SUBSCRIBE with these filters (HiveMQ throws on any failure, carrying the SUBACK). */
    private static List<Mqtt5SubAckReasonCode> subscribe(Mqtt5BlockingClient c, String... filters) {
        Mqtt5Subscribe subscribe = Mqtt5Subscribe.builder().addSubscriptions(Stream.of(filters)
                .map(f -> Mqtt5Subscription.builder().topicFilter(f).qos(MqttQos.AT_LEAST_ONCE).build())).build();
        try {
            return c.subscribe(subscribe).getReasonCodes();
        } catch (Mqtt5SubAckException e) {
            return e.getMqttMessage().getReasonCodes();
        }
    }

    @Test
    void aJavaClientIsRefusedSysAndEverythingBehindASharePrefix() {
        Mqtt5BlockingClient c = hivemq(SHIPPED, "h-shipped");
        try {
            assertThat(subscribe(c, "$share/g/$SYS/#", "$queue/$SYS/#", "$share/g/#", "$share/g/$SYS/brokers/+",
                    "$share/g/news/#")).containsExactly(Mqtt5SubAckReasonCode.UNSPECIFIED_ERROR,
                    Mqtt5SubAckReasonCode.UNSPECIFIED_ERROR, Mqtt5SubAckReasonCode.UNSPECIFIED_ERROR,
                    Mqtt5SubAckReasonCode.UNSPECIFIED_ERROR, Mqtt5SubAckReasonCode.GRANTED_QOS_1);
            // "+/#" matches every topic "#" does: refused the same, plain or shared.
            assertThat(subscribe(c, "+/#", "$share/g/+/#", "$queue/+/#")).containsOnly(
                    Mqtt5SubAckReasonCode.UNSPECIFIED_ERROR);
        } finally {
            c.disconnect();
        }
    }

    @Test
    void aJavaClientGetsItsOwnDeviceTreeSharedAndNoOtherOne() {
        Mqtt5BlockingClient c = hivemq(DEVICES, "h-dev");
        try {
            assertThat(subscribe(c, "$share/g/devices/h-dev/#", "$queue/devices/h-dev/#", "devices/h-dev/#"))
                    .containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_1, Mqtt5SubAckReasonCode.GRANTED_QOS_1,
                            Mqtt5SubAckReasonCode.GRANTED_QOS_1);
            assertThat(subscribe(c, "$share/g/devices/other/#", "$share/g/devices/h-dev/#")).as("and again: cached")
                    .containsExactly(Mqtt5SubAckReasonCode.UNSPECIFIED_ERROR, Mqtt5SubAckReasonCode.GRANTED_QOS_1);
        } finally {
            c.disconnect();
        }
    }

    @Test
    void anAuthorizerSeesTheFilterWithoutThePrefixAndTheConnectionRemembersItsAnswer() {
        Mqtt5BlockingClient c = Mqtt5Client.builder().identifier("h-plugged").serverHost(PLUGGED.host())
                .serverPort(PLUGGED.port()).buildBlocking();
        c.connect();
        try {
            ASKED.clear();
            assertThat(subscribe(c, "$share/g/plugged/a")).containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
            assertThat(subscribe(c, "$share/g/plugged/a")).containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
            assertThat(subscribe(c, "$queue/plugged/b")).containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
            assertThat(ASKED).as("the second $share/g/plugged/a from the connection's cache")
                    .containsExactly("SUBSCRIBE plugged/a", "SUBSCRIBE plugged/b");
        } finally {
            c.disconnect();
        }
    }
}
