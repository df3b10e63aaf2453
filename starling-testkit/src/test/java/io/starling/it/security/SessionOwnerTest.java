package io.starling.it.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.starling.codec.MqttProperties;
import io.starling.codec.MqttVersion;
import io.starling.codec.packet.ConnAckPacket;
import io.starling.codec.packet.ConnectPacket;
import io.starling.codec.packet.DisconnectPacket;
import io.starling.codec.packet.PublishPacket;
import io.starling.codec.packet.SubAckPacket;
import io.starling.codec.packet.SubscribePacket;
import io.starling.codec.packet.TopicSubscription;
import io.starling.testkit.RawClient;
import io.starling.testkit.StarlingExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A persistent session belongs to the user who opened it: another user connecting with its client id and clean
 * start 0 gets a new session (Session Present 0), not the owner's subscriptions, which were authorized for the
 * owner; the owner still resumes it, across a restart too (the owner is stored with the session).
 */
class SessionOwnerTest {
    @TempDir
    static Path home;

    @RegisterExtension
    final StarlingExtension broker = StarlingExtension.create(b -> b.storageType("rocksdb").config(
            "authentication.allow_anonymous = false\n"
                    + "authorization.no_match = deny\n"
                    + "authorization.acl_file = \"" + acl() + "\"\n"
                    + "authentication.password_file = \"" + home.resolve("passwd") + "\"\n"
                    + "authentication.password_iterations = 1000\n"));

    private static Path acl() {
        try {
            Path f = home.resolve("acl.conf");
            Files.writeString(f, """
                    rules = [
                      { permission = allow, who = all, action = subscribe, topics = ["users/%u/#"] }
                      { permission = allow, who = all, action = publish, topics = ["users/#"] }
                    ]
                    """);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @BeforeEach
    void users() {
        for (String u : new String[] {"alice", "bob"}) {
            if (!broker.node().users().contains(u)) {
                broker.node().users().add(u, (u + "-pw").toCharArray(), false);
            }
        }
    }

    private RawClient connect(String id, String user, boolean clean, boolean expectPresent) {
        RawClient c = RawClient.open(broker.port(), MqttVersion.MQTT_5);
        c.send(new ConnectPacket(MqttVersion.MQTT_5, id, clean, 60, user,
                (user + "-pw").getBytes(StandardCharsets.UTF_8), null,
                MqttProperties.builder().sessionExpiryInterval(3600L).build()));
        ConnAckPacket ack = c.receive(ConnAckPacket.class);
        assertThat(ack.reasonCode()).isZero();
        assertThat(ack.sessionPresent()).as("session present for " + user).isEqualTo(expectPresent);
        return c;
    }

    private static void subscribe(RawClient c, String filter) {
        c.send(new SubscribePacket(1, List.of(TopicSubscription.of(filter, 1)), MqttProperties.NONE));
        assertThat(c.receive(SubAckPacket.class).reasonCodes()).containsExactly(1);
    }

    private void publish(String topic) {
        try (RawClient pub = connect("pub-" + topic.hashCode(), "alice", true, false)) {
            pub.send(new PublishPacket(1, topic, "x".getBytes(StandardCharsets.UTF_8), 1, false, false,
                    MqttProperties.NONE));
            pub.receive(io.starling.codec.packet.AckPacket.class);
        }
    }

    @Test
    void anotherUserDoesNotResumeTheSessionOrReadWhatOnlyItsOwnerMay() {
        try (RawClient alice = connect("device-7", "alice", true, false)) {
            subscribe(alice, "users/alice/#");
            alice.send(new DisconnectPacket(0, MqttProperties.NONE));
        }
        try (RawClient bob = connect("device-7", "bob", false, false)) {
            subscribe(bob, "users/bob/#");
            publish("users/alice/secret");
            publish("users/bob/marker");
            // What bob gets first is his own marker: alice's message did not reach him through her subscription.
            assertThat(bob.receive(PublishPacket.class).topic()).isEqualTo("users/bob/marker");
            bob.send(new DisconnectPacket(0, MqttProperties.NONE));
        }
        // bob's session is bob's now; alice starting again gets a new one, and her own subscription back works.
        try (RawClient alice = connect("device-7", "alice", false, false)) {
            subscribe(alice, "users/alice/#");
            alice.send(new DisconnectPacket(0, MqttProperties.NONE));
        }
    }

    @Test
    void theOwnerResumesItsSessionAcrossARestartAndNoOtherUserDoes() {
        try (RawClient alice = connect("device-8", "alice", true, false)) {
            subscribe(alice, "users/alice/#");
            alice.send(new DisconnectPacket(0, MqttProperties.NONE));
        }
        broker.restart();
        try (RawClient alice = connect("device-8", "alice", false, true)) {
            alice.send(new DisconnectPacket(0, MqttProperties.NONE));
        }
        broker.restart();
        try (RawClient bob = connect("device-8", "bob", false, false)) {
            bob.send(new DisconnectPacket(0, MqttProperties.NONE));
        }
    }
}
