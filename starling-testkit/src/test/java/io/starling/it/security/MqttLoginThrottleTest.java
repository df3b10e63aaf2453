package io.starling.it.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import io.starling.testkit.StarlingExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Password guessing over MQTT with real clients: an address or a username that keeps failing is refused for a
 * while (MQTT 5 0x9F, 3.1.1 0x03), even with the right password, without a hash computed; a good login clears the
 * count; and a username the node does not know costs as much as a wrong password, so the time of the answer does
 * not tell which users exist. Clients connect from several loopback addresses (127.0.0.x) to be several peers.
 */
class MqttLoginThrottleTest {
    /** Slow enough that a skipped hash shows: tens of milliseconds per check, against about one without. */
    private static final int ITERATIONS = 100_000;

    @TempDir
    static Path home;

    @RegisterExtension
    final StarlingExtension broker = StarlingExtension.create(b -> b.storageType("memory").config(
            "authentication.allow_anonymous = false\nauthentication.password_file = \"" + home.resolve("passwd")
                    + "\"\nauthentication.password_iterations = " + ITERATIONS + "\n"
                    + "authentication.login_throttle.max_failures_per_address = 3\n"
                    + "authentication.login_throttle.max_failures_per_username = 3\n"
                    + "authentication.login_throttle.lockout = 3s\n"));

    @BeforeEach
    void users() {
        for (String user : new String[] {"alice", "bob"}) {
            if (!broker.node().users().contains(user)) {
                broker.node().users().add(user, "good-pass".toCharArray(), false);
            }
        }
    }

    /** The CONNACK's reason code for a login from {@code 127.0.0.<peer>}. */
    private Mqtt5ConnAckReasonCode login(int peer, String user, String password) {
        Mqtt5BlockingClient c = Mqtt5Client.builder().identifier("throttle-" + peer + "-" + user)
                .transportConfig().serverHost(broker.host()).serverPort(broker.port())
                .localAddress("127.0.0." + peer).applyTransportConfig().buildBlocking();
        try {
            Mqtt5ConnAck ack = c.connectWith().simpleAuth().username(user)
                    .password(password.getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send();
            c.disconnect();
            return ack.getReasonCode();
        } catch (Mqtt5ConnAckException e) {
            lastReason = e.getMqttMessage().getReasonString().map(Object::toString).orElse("");
            return e.getMqttMessage().getReasonCode();
        }
    }

    private String lastReason = "";

    @Test
    void anAddressThatKeepsGuessingIsLockedOutEvenWithTheRightPassword() throws Exception {
        for (String user : new String[] {"alice", "nobody-1", "nobody-2"}) {
            assertThat(login(1, user, "guess")).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
        }
        assertThat(login(1, "bob", "good-pass")).as("the right password, from the guessing address")
                .isEqualTo(Mqtt5ConnAckReasonCode.CONNECTION_RATE_EXCEEDED);
        assertThat(lastReason).contains("too many failed logins from 127.0.0.1");
        MqttClient paho = new MqttClient("tcp://127.0.0.1:" + broker.port(), "throttle-v3", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setUserName("bob");
        options.setPassword("good-pass".toCharArray());
        try {
            paho.connect(options);
            throw new AssertionError("MQTT 3.1.1 connected from a locked-out address");
        } catch (MqttException e) {
            assertThat(e.getReasonCode()).as("3.1.1: server unavailable").isEqualTo(3);
        } finally {
            paho.close();
        }
        assertThat(login(2, "bob", "good-pass")).as("another address").isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
        assertThat(login(2, "alice", "good-pass")).as("a user failed once").isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
    }

    @Test
    void aUsernameThatKeepsFailingIsLockedOutFromEveryAddressForTheLockout() {
        for (int peer = 2; peer <= 4; peer++) {
            assertThat(login(peer, "alice", "guess")).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
        }
        assertThat(login(1, "alice", "good-pass")).as("the right password, from a fresh address")
                .isEqualTo(Mqtt5ConnAckReasonCode.CONNECTION_RATE_EXCEEDED);
        assertThat(lastReason).contains("too many failed logins as 'alice'");
        assertThat(login(2, "bob", "good-pass")).as("another user, from an address that failed once")
                .isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500))
                .until(() -> login(1, "alice", "good-pass") == Mqtt5ConnAckReasonCode.SUCCESS);
    }

    @Test
    void aGoodLoginClearsTheCount() {
        for (int round = 0; round < 3; round++) {
            assertThat(login(1, "alice", "guess")).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
            assertThat(login(1, "alice", "guess")).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
            assertThat(login(1, "alice", "good-pass")).as("round " + round).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
        }
    }

    @Test
    void anUnknownUserTakesAsLongAsAWrongPassword() {
        login(9, "bob", "good-pass");
        long[] wrong = new long[3];
        long[] unknown = new long[3];
        for (int i = 0; i < 3; i++) {
            // each try from an address of its own and as another name, so that no throttle is reached
            wrong[i] = timed(10 + i, "alice", "guess-" + i);
            unknown[i] = timed(20 + i, "nobody-" + i, "guess-" + i);
        }
        // The fastest of each: load on the machine only adds time, so a fast unknown-user path (no hash: a tenth
        // of the time or less) shows however busy the host is, and a slow one cannot pass for it.
        Arrays.sort(wrong);
        Arrays.sort(unknown);
        assertThat(unknown[0]).as("fastest refusal of an unknown user, ns, against a wrong password's " + wrong[0])
                .isGreaterThan(wrong[0] / 3);
    }

    private long timed(int peer, String user, String password) {
        long started = System.nanoTime();
        assertThat(login(peer, user, password)).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
        return System.nanoTime() - started;
    }

    @Test
    void attemptsSentTogetherAreHeldToTheThrottle() throws Exception {
        int n = 30;
        java.util.List<io.starling.testkit.RawClient> clients = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                clients.add(io.starling.testkit.RawClient.open(broker.port(), io.starling.codec.MqttVersion.MQTT_5));
            }
            // All sent before the first is checked: each passes the network thread's look at the throttle.
            for (int i = 0; i < n; i++) {
                clients.get(i).send(new io.starling.codec.packet.ConnectPacket(io.starling.codec.MqttVersion.MQTT_5,
                        "burst-" + i, true, 60, "bob", ("guess-" + i).getBytes(StandardCharsets.UTF_8), null,
                        io.starling.codec.MqttProperties.NONE));
            }
            int hashed = 0;
            for (io.starling.testkit.RawClient c : clients) {
                io.starling.codec.packet.ConnAckPacket ack = c.receive(io.starling.codec.packet.ConnAckPacket.class,
                        Duration.ofSeconds(60));
                String reason = ack.properties().reasonString() == null ? "" : ack.properties().reasonString();
                if (ack.reasonCode() == 0x86 && !reason.contains("too many failed logins")) {
                    hashed++;
                }
            }
            // Three failures lock bob out; at most one more check per authentication thread (two) was under way.
            assertThat(hashed).as("passwords checked of " + n + " sent together").isBetween(3, 5);
        } finally {
            clients.forEach(io.starling.testkit.RawClient::close);
        }
    }
}
