package io.starling.it.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.starling.api.hook.HookListener.DropReason;
import io.starling.codec.MqttProperties;
import io.starling.codec.MqttVersion;
import io.starling.codec.ReasonCode;
import io.starling.codec.packet.AckPacket;
import io.starling.codec.packet.ConnAckPacket;
import io.starling.codec.packet.ConnectPacket;
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
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rules of an ACL file with real sockets: each form of {@code who}, the placeholders and the attempts to
 * widen them, the exact-match form, superusers, and a reload of the file while clients stay connected.
 */
class AclFileTest {
    private static final String RULES = """
            rules = [
              { permission = allow, who = { user = "monitor" }, action = subscribe, topics = ["$SYS/#"] }
              { permission = allow, who = { ipaddr = "10.0.0.0/8" }, topics = ["#"] }
              { permission = deny,  who = { clientid = "blocked" } }
              { permission = allow, who = all, topics = ["devices/%c/#", "users/%u/#", "%c/out"] }
              { permission = deny,  who = all, action = subscribe, topics = ["$SYS/#", "eq #"] }
              { permission = allow, who = all, topics = ["public/#"] }
            ]
            """;

    @TempDir
    Path dir;

    @RegisterExtension
    final StarlingExtension broker = StarlingExtension.create(b -> b.storageType("memory").config(
            "authorization.no_match = deny\nauthorization.acl_file = \"" + acl(dir) + "\"\n"
                    + "authentication.password_file = \"" + dir.resolve("passwd") + "\"\n"
                    + "authentication.password_iterations = 1000\n"));

    private static Path acl(Path dir) {
        try {
            Path file = dir.resolve("acl.conf");
            if (!Files.exists(file)) {
                Files.writeString(file, RULES);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private RawClient connect(String id, String user, String password) {
        RawClient c = RawClient.open(broker.port(), MqttVersion.MQTT_5);
        c.send(new ConnectPacket(MqttVersion.MQTT_5, id, true, 60, user,
                password == null ? null : password.getBytes(StandardCharsets.UTF_8), null, MqttProperties.NONE));
        assertThat(c.receive(ConnAckPacket.class).reasonCode()).isZero();
        return c;
    }

    private RawClient connect(String id) {
        return connect(id, null, null);
    }

    private static int publish(RawClient c, String topic) {
        c.send(new PublishPacket(1, topic, new byte[] {1}, 1, false, false, MqttProperties.NONE));
        return c.receive(AckPacket.class).reasonCode();
    }

    private static int subscribe(RawClient c, String filter) {
        c.send(new SubscribePacket(1, List.of(TopicSubscription.of(filter, 1)), MqttProperties.NONE));
        return c.receive(SubAckPacket.class).reasonCodes().get(0);
    }

    @Test
    void theClientIdPlaceholderGivesEachClientItsOwnTopics() {
        try (RawClient c = connect("dev-1")) {
            assertThat(publish(c, "devices/dev-1/temp")).isIn(0, ReasonCode.NO_MATCHING_SUBSCRIBERS);
            assertThat(publish(c, "devices/dev-2/temp")).isEqualTo(ReasonCode.NOT_AUTHORIZED);
            assertThat(subscribe(c, "devices/dev-1/#")).isEqualTo(1);
            assertThat(subscribe(c, "devices/+/temp")).as("another device's topics").isEqualTo(0x80);
        }
    }

    @Test
    void placeholderValuesWithWildcardsOrSlashesNeverWidenARule() {
        try (RawClient hash = connect("#")) {
            assertThat(subscribe(hash, "devices/#")).isEqualTo(0x80);
            assertThat(publish(hash, "devices/dev-1/temp")).isEqualTo(ReasonCode.NOT_AUTHORIZED);
        }
        try (RawClient plus = connect("plus-user", "+/x", null)) {
            assertThat(subscribe(plus, "users/+/x/#")).isEqualTo(0x80);
            assertThat(subscribe(plus, "users/alice/x/#")).isEqualTo(0x80);
        }
        try (RawClient slash = connect("a/b")) {
            assertThat(publish(slash, "devices/a/b/temp")).isEqualTo(ReasonCode.NOT_AUTHORIZED);
        }
    }

    @Test
    void aPlaceholderInAClientIdIsNotFilledInAgain() {
        // devices/%c/# for the client id "a%ub" is devices/a%ub/#: the %u it brings is not the username's.
        try (RawClient c = connect("a%ub", "x", null)) {
            assertThat(publish(c, "devices/axb/temp")).isEqualTo(ReasonCode.NOT_AUTHORIZED);
            assertThat(subscribe(c, "devices/axb/#")).isEqualTo(0x80);
            assertThat(publish(c, "devices/a%ub/temp")).isIn(0, ReasonCode.NO_MATCHING_SUBSCRIBERS);
        }
        try (RawClient c = connect("%u", "dev-7", null)) {
            assertThat(publish(c, "devices/dev-7/temp")).as("another device's tree")
                    .isEqualTo(ReasonCode.NOT_AUTHORIZED);
        }
    }

    @Test
    void aClientIdBeginningWithADollarNeverStartsAFilter() {
        try (RawClient c = connect("dev-8")) {
            assertThat(publish(c, "dev-8/out")).isIn(0, ReasonCode.NO_MATCHING_SUBSCRIBERS);
        }
        try (RawClient c = connect("$SYS")) {
            assertThat(publish(c, "$SYS/out")).as("%c/out is not $SYS/out").isEqualTo(ReasonCode.NOT_AUTHORIZED);
        }
    }

    @Test
    void aClientIdRuleAnExactMatchRuleAndTheDefault() {
        try (RawClient blocked = connect("blocked")) {
            assertThat(publish(blocked, "public/news")).isEqualTo(ReasonCode.NOT_AUTHORIZED);
        }
        try (RawClient c = connect("anyone")) {
            assertThat(subscribe(c, "#")).as("eq #").isEqualTo(0x80);
            assertThat(subscribe(c, "public/#")).isEqualTo(1);
            assertThat(publish(c, "elsewhere/x")).as("no rule: no_match = deny").isEqualTo(ReasonCode.NOT_AUTHORIZED);
            long before = broker.node().metrics().messagesDropped(DropReason.NOT_AUTHORIZED);
            c.send(new PublishPacket(0, "elsewhere/x", new byte[] {1}, 0, false, false, MqttProperties.NONE));
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() ->
                    broker.node().metrics().messagesDropped(DropReason.NOT_AUTHORIZED) == before + 1);
        }
    }

    @Test
    void sysTopicsAreForTheUsersTheRulesNameAndForSuperusers() {
        broker.node().users().add("monitor", "pw".toCharArray(), false);
        broker.node().users().add("root", "pw".toCharArray(), true);
        try (RawClient anyone = connect("sys-anyone")) {
            assertThat(subscribe(anyone, "$SYS/#")).isEqualTo(0x80);
        }
        try (RawClient monitor = connect("sys-monitor", "monitor", "pw")) {
            assertThat(subscribe(monitor, "$SYS/#")).isEqualTo(1);
            assertThat(publish(monitor, "$SYS/forged")).isEqualTo(ReasonCode.NOT_AUTHORIZED);
        }
        try (RawClient root = connect("sys-root", "root", "pw")) {
            assertThat(publish(root, "anything/at/all")).isIn(0, ReasonCode.NO_MATCHING_SUBSCRIBERS);
            assertThat(subscribe(root, "#")).isEqualTo(1);
        }
    }

    @Test
    void aChangedFileIsReloadedAndCachedDecisionsGoWithTheOldRules() throws IOException {
        try (RawClient c = connect("reload-client")) {
            assertThat(publish(c, "public/a")).isIn(0, ReasonCode.NO_MATCHING_SUBSCRIBERS);
            Path tmp = dir.resolve("acl.conf.new");
            Files.writeString(tmp, RULES.replace("{ permission = allow, who = all, topics = [\"public/#\"] }",
                    "{ permission = deny, who = all, topics = [\"public/#\"] }"));
            Files.move(tmp, dir.resolve("acl.conf"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                    .until(() -> publish(c, "public/a") == ReasonCode.NOT_AUTHORIZED);
        }
    }
}
