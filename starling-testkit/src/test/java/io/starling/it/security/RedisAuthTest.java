package io.starling.it.security;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.starling.codec.MqttProperties;
import io.starling.codec.MqttVersion;
import io.starling.codec.ReasonCode;
import io.starling.codec.packet.ConnAckPacket;
import io.starling.codec.packet.ConnectPacket;
import io.starling.codec.packet.SubAckPacket;
import io.starling.codec.packet.SubscribePacket;
import io.starling.codec.packet.TopicSubscription;
import io.starling.it.security.servers.RedisServer;
import io.starling.testkit.RawClient;
import io.starling.testkit.StarlingExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;

/**
 * The Redis plugin against a real redis-server: users stored with sha256+salt, bcrypt and plain per row, a
 * superuser, the ACL hash, a placeholder injection attempt, and the server stopped (denied by the policy within the
 * timeout). No password appears in a log line.
 */
class RedisAuthTest {
    private static final String PLUGIN = "starling-auth-redis";

    @TempDir
    Path home;

    private RedisServer redis;
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger starlingLog = (Logger) LoggerFactory.getLogger("io.starling");

    @RegisterExtension
    final StarlingExtension broker =
            StarlingExtension.create(b -> b.storageType("memory").config(BackendClients.nodeConfig(home, true)));

    @BeforeEach
    void startRedisAndPlugin() throws Exception {
        Files.createDirectories(home.resolve("redis"));
        redis = RedisServer.start(home.resolve("redis"), "redis-secret");
        try (Jedis j = new Jedis("127.0.0.1", redis.port())) {
            j.auth("redis-secret");
            // printf 'saltgood-pass' | sha256sum
            j.hset("mqtt_user:alice", Map.of("password_hash",
                    sha256("salt" + "good-pass"), "salt", "salt"));
            j.hset("mqtt_user:bob", Map.of("password_hash",
                    at.favre.lib.crypto.bcrypt.BCrypt.withDefaults().hashToString(4, "good-pass".toCharArray()),
                    "algorithm", "bcrypt"));
            j.hset("mqtt_user:root", Map.of("password_hash", "good-pass", "algorithm", "plain", "is_superuser", "1"));
            j.hset("mqtt_user:+/x", Map.of("password_hash", "good-pass", "algorithm", "plain"));
            j.hset("mqtt_acl:alice", Map.of("sensors/%u/#", "3", "commands/#", "1"));
            j.hset("mqtt_acl:+/x", Map.of("sensors/%u/#", "3"));
        }
        BackendClients.loadPlugin(broker, home, PLUGIN, "server = \"127.0.0.1:" + redis.port() + "\"\n"
                + "password = redis-secret\n"
                + "auth_cmd = \"HMGET mqtt_user:%u password_hash salt algorithm is_superuser\"\n"
                + "acl_cmd = \"HGETALL mqtt_acl:%u\"\npassword_hash = sha256\ntimeout = 1s\n");
        log.start();
        starlingLog.addAppender(log);
    }

    @AfterEach
    void stopRedis() throws Exception {
        starlingLog.detachAppender(log);
        if (redis != null) {
            redis.stop();
        }
    }

    private static String sha256(String s) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    private RawClient login(MqttVersion version, String id, String user, String password, int expected) {
        RawClient c = RawClient.open(broker.port(), version);
        c.send(new ConnectPacket(version, id, true, 60, user,
                password == null ? null : password.getBytes(StandardCharsets.UTF_8), null, MqttProperties.NONE));
        assertThat(c.receive(ConnAckPacket.class, Duration.ofSeconds(10)).reasonCode()).as(id).isEqualTo(expected);
        return c;
    }

    private int connack(MqttVersion version, String id, String user, String password) {
        return BackendClients.connack(broker.port(), version, id, user, password);
    }

    @Test
    void eachRowsHashGoodBadAndMissingCredentials() {
        assertThat(connack(MqttVersion.MQTT_5, "r1", "alice", "good-pass")).as("sha256 + salt").isZero();
        assertThat(connack(MqttVersion.MQTT_5, "r2", "bob", "good-pass")).as("bcrypt").isZero();
        assertThat(connack(MqttVersion.MQTT_3_1_1, "r3", "root", "good-pass")).as("plain").isZero();
        assertThat(connack(MqttVersion.MQTT_5, "r4", "alice", "bad-pass-42"))
                .isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(connack(MqttVersion.MQTT_3_1_1, "r5", "bob", "bad-pass-42")).isEqualTo(4);
        assertThat(connack(MqttVersion.MQTT_5, "r6", "alice", null)).isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(connack(MqttVersion.MQTT_5, "r7", "nobody", "good-pass")).as("not Redis's, and no one else's")
                .isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(connack(MqttVersion.MQTT_3_1_1, "r8", null, null)).isEqualTo(5);
        assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage)
                .noneMatch(l -> l.contains("good-pass") || l.contains("bad-pass-42") || l.contains("redis-secret"));
    }

    @Test
    void theAclHashDecidesAndPlaceholdersCannotWidenIt() {
        try (RawClient alice = login(MqttVersion.MQTT_5, "acl-a", "alice", "good-pass", 0);
             RawClient root = login(MqttVersion.MQTT_5, "acl-root", "root", "good-pass", 0);
             RawClient sneaky = login(MqttVersion.MQTT_5, "acl-x", "+/x", "good-pass", 0)) {
            assertThat(publish(alice, "sensors/alice/t")).isIn(0, ReasonCode.NO_MATCHING_SUBSCRIBERS);
            assertThat(publish(alice, "sensors/bob/t")).isEqualTo(ReasonCode.NOT_AUTHORIZED);
            assertThat(publish(alice, "commands/x")).as("subscribe only").isEqualTo(ReasonCode.NOT_AUTHORIZED);
            assertThat(subscribe(alice, "commands/#")).isEqualTo(1);
            assertThat(publish(root, "anything/at/all")).as("superuser").isIn(0, ReasonCode.NO_MATCHING_SUBSCRIBERS);
            assertThat(publish(sneaky, "sensors/alice/t")).as("username '+/x' never fills %u")
                    .isEqualTo(ReasonCode.NOT_AUTHORIZED);
        }
    }

    @Test
    void aSharedSubscriptionIsJudgedByTheAclHashOnTheFilterItMatchesWith() {
        try (RawClient alice = login(MqttVersion.MQTT_5, "acl-shared", "alice", "good-pass", 0)) {
            assertThat(subscribe(alice, "$share/g/sensors/alice/#")).isEqualTo(1);
            assertThat(subscribe(alice, "$queue/commands/#")).isEqualTo(1);
            assertThat(subscribe(alice, "$share/g/sensors/bob/#")).as("no rule: no_match = deny").isEqualTo(0x80);
        }
    }

    @Test
    void aStoppedServerDeniesByDefaultAndOthersAreNotHeldUp() throws Exception {
        redis.stop();
        redis = null;
        long started = System.nanoTime();
        assertThat(connack(MqttVersion.MQTT_5, "down-1", "alice", "good-pass"))
                .isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("within the timeout, not hanging")
                .isLessThan(Duration.ofSeconds(5));
        assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage)
                .anyMatch(l -> l.contains("redis-auth failed for client 'down-1'"));
    }

    @Test
    void aServerThatNeverAnswersIsDeniedAtTheTimeoutWhileOthersAreServed() throws Exception {
        BackendClients.silentServerDeniesAtTheTimeout(broker, port -> BackendClients.loadPlugin(broker, home, PLUGIN,
                "server = \"127.0.0.1:" + port + "\"\nauth_cmd = \"HMGET mqtt_user:%u password_hash\"\ntimeout = 2s\n"));
    }

    private static int publish(RawClient c, String topic) {
        return BackendClients.publish(c, topic);
    }

    private static int subscribe(RawClient c, String filter) {
        c.send(new SubscribePacket(2, List.of(TopicSubscription.of(filter, 1)), MqttProperties.NONE));
        return c.receive(SubAckPacket.class).reasonCodes().get(0);
    }
}
