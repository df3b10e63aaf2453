package io.starling.it.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.starling.codec.MqttProperties;
import io.starling.codec.MqttVersion;
import io.starling.codec.ReasonCode;
import io.starling.codec.packet.AuthPacket;
import io.starling.codec.packet.ConnAckPacket;
import io.starling.codec.packet.ConnectPacket;
import io.starling.codec.packet.PingReqPacket;
import io.starling.testkit.RawClient;
import io.starling.testkit.StarlingExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * MQTT 5 enhanced authentication with SCRAM-SHA-256 against the built-in users, from the HiveMQ MQTT Client with a
 * SCRAM mechanism written from the RFC: the password never crosses the wire, the client checks the node's
 * signature, the SCRAM user is the client's identity for the ACL, and re-authentication works and fails as it
 * should.
 */
class ScramAuthTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final StarlingExtension broker = StarlingExtension.create(b -> b.storageType("memory").config(
            "authentication.allow_anonymous = false\n"
                    + "authentication.password_file = \"" + dir.resolve("passwd") + "\"\n"
                    + "authentication.password_iterations = 1000\n"
                    + "authorization.no_match = deny\n"
                    + "authorization.acl_file = \"" + acl(dir) + "\"\n"));

    private static Path acl(Path dir) {
        try {
            Path file = dir.resolve("acl.conf");
            Files.writeString(file, "rules = [\n  { permission = allow, who = all, topics = [\"users/%u/#\"] }\n]\n");
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @BeforeEach
    void users() {
        broker.node().users().add("alice", "wonderland".toCharArray(), false);
        broker.node().users().add("root", "toor".toCharArray(), true);
    }

    private Mqtt5BlockingClient client(String id, ScramClient scram) {
        return Mqtt5Client.builder().identifier(id).serverHost(broker.host()).serverPort(broker.port())
                .enhancedAuth(scram).buildBlocking();
    }

    @Test
    void theRightPasswordGetsInAndTheNodeProvesItKnowsTheUserToo() {
        ScramClient scram = new ScramClient("alice", "wonderland");
        Mqtt5BlockingClient alice = client("scram-alice", scram);
        assertThat(alice.connect().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
        assertThat(scram.serverVerified).as("the CONNACK carried the right server signature").isTrue();
        // The SCRAM user is who the ACL sees.
        assertThat(alice.subscribeWith().topicFilter("users/alice/#").send().getReasonCodes())
                .containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_2);
        assertThatThrownBy(() -> alice.subscribeWith().topicFilter("users/root/#").send())
                .isInstanceOfSatisfying(Mqtt5SubAckException.class, e -> assertThat(e.getMqttMessage()
                        .getReasonCodes()).containsExactly(Mqtt5SubAckReasonCode.UNSPECIFIED_ERROR));
        alice.disconnect();

        Mqtt5BlockingClient root = client("scram-root", new ScramClient("root", "toor"));
        root.connect();
        assertThat(root.subscribeWith().topicFilter("#").send().getReasonCodes())
                .as("a superuser").containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_2);
        root.disconnect();
    }

    @Test
    void aWrongPasswordAndAnUnknownUserAreBadUserNameOrPassword() {
        for (ScramClient scram : new ScramClient[] {new ScramClient("alice", "looking-glass"),
                new ScramClient("mallory", "wonderland")}) {
            assertThatThrownBy(() -> client("scram-bad", scram).connect())
                    .isInstanceOfSatisfying(Mqtt5ConnAckException.class, e -> assertThat(e.getMqttMessage()
                            .getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD));
        }
    }

    @Test
    void aMethodTheNodeDoesNotOfferIsBadAuthenticationMethod() {
        assertThatThrownBy(() -> client("scram-method", new ScramClient("SCRAM-SHA-1", "alice", "wonderland"))
                .connect())
                .isInstanceOfSatisfying(Mqtt5ConnAckException.class, e -> assertThat(e.getMqttMessage()
                        .getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.BAD_AUTHENTICATION_METHOD));
    }

    @Test
    void reAuthenticationSucceedsWithThePasswordAndDisconnectsOnceItIsWrong() throws Exception {
        ScramClient scram = new ScramClient("alice", "wonderland");
        Mqtt5AsyncClient alice = client("scram-reauth", scram).toAsync();
        alice.connect().get(10, TimeUnit.SECONDS);
        scram.serverVerified = false;
        alice.reauth().get(10, TimeUnit.SECONDS);
        assertThat(scram.serverVerified).as("AUTH success carried the server signature").isTrue();

        // The password changes on the node: the next re-authentication with the old one ends the connection.
        broker.node().users().passwd("alice", "changed".toCharArray());
        assertThatThrownBy(() -> alice.reauth().get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(Mqtt5DisconnectException.class)
                .satisfies(e -> assertThat(((Mqtt5DisconnectException) e.getCause()).getMqttMessage().getReasonCode())
                        .isEqualTo(Mqtt5DisconnectReasonCode.NOT_AUTHORIZED));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> !alice.getState().isConnected());

        scram.password("changed");
        Mqtt5BlockingClient back = client("scram-reauth", scram);
        assertThat(back.connect().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
        back.disconnect();
    }

    @Test
    void aPacketOtherThanAuthDuringTheExchangeIsAProtocolError() {
        try (RawClient raw = RawClient.open(broker.port(), MqttVersion.MQTT_5)) {
            raw.send(new ConnectPacket(MqttVersion.MQTT_5, "scram-raw", true, 60, null, null, null,
                    MqttProperties.builder().authenticationMethod("SCRAM-SHA-256")
                            .authenticationData("n,,n=alice,r=abcdefgh".getBytes(StandardCharsets.UTF_8)).build()));
            AuthPacket challenge = raw.receive(AuthPacket.class);
            assertThat(challenge.reasonCode()).isEqualTo(ReasonCode.CONTINUE_AUTHENTICATION);
            assertThat(new String(challenge.properties().authenticationData(), StandardCharsets.UTF_8))
                    .startsWith("r=abcdefgh").contains(",s=").endsWith(",i=4096");
            raw.send(PingReqPacket.INSTANCE);
            assertThat(raw.receive(ConnAckPacket.class).reasonCode()).isEqualTo(ReasonCode.PROTOCOL_ERROR);
        }
    }
}
