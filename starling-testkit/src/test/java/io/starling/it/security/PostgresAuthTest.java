package io.starling.it.security;

import static org.assertj.core.api.Assertions.assertThat;

import at.favre.lib.crypto.bcrypt.BCrypt;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.starling.codec.MqttVersion;
import io.starling.codec.ReasonCode;
import io.starling.it.security.servers.PostgresServer;
import io.starling.testkit.RawClient;
import io.starling.testkit.StarlingExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL plugin against a real PostgreSQL server: the hash algorithm per row (plain, md5, sha256 with salt,
 * bcrypt, pbkdf2), a superuser column, ACL rows for a user, for {@code $all} and by client id, an SQL injection
 * attempt in the username, and the server stopped.
 */
class PostgresAuthTest {
    private static final String PLUGIN = "starling-auth-postgresql";
    private static PostgresServer postgres;

    @TempDir
    static Path serverDir;

    @TempDir
    Path home;

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger starlingLog = (Logger) LoggerFactory.getLogger("io.starling");

    @RegisterExtension
    final StarlingExtension broker =
            StarlingExtension.create(b -> b.storageType("memory").config(BackendClients.nodeConfig(home, true)));

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = PostgresServer.start(serverDir.resolve("pg"));
        try (Connection c = DriverManager.getConnection(PostgresServer.url(postgres.port(), "postgres"),
                PostgresServer.USER, PostgresServer.PASSWORD); Statement st = c.createStatement()) {
            st.execute("create table mqtt_user (username text primary key, password_hash text not null, salt text,"
                    + " algorithm text, is_superuser boolean default false)");
            st.execute("create table mqtt_acl (allow int not null, ipaddr text, username text, clientid text,"
                    + " access int not null, topic text not null)");
            st.execute("insert into mqtt_user values ('plain', 'good-pass', null, 'plain', false),"
                    + " ('md5', md5('good-pass'), null, 'md5', false),"
                    + " ('salted', encode(sha256('s4ltgood-pass'::bytea), 'hex'), 's4lt', null, false),"
                    + " ('bcrypt', '" + BCrypt.withDefaults().hashToString(4, "good-pass".toCharArray())
                    + "', null, 'bcrypt', false),"
                    // hashlib.pbkdf2_hmac('sha256', b'good-pass', b'pepper', 4096).hex()
                    + " ('pbkdf2', '" + pbkdf2("good-pass", "pepper") + "', 'pepper', 'pbkdf2', false),"
                    + " ('root', 'good-pass', null, 'plain', true)");
            st.execute("insert into mqtt_acl values (1, null, 'plain', null, 3, 'sensors/%u/#'),"
                    + " (0, null, '$all', null, 2, 'admin/#'), (1, null, '$all', null, 1, 'broadcast/#'),"
                    + " (1, null, null, 'dev-7', 2, 'devices/%c/up')");
        }
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (postgres != null) {
            postgres.stop();
        }
    }

    private static String pbkdf2(String password, String salt) throws Exception {
        javax.crypto.spec.PBEKeySpec spec = new javax.crypto.spec.PBEKeySpec(password.toCharArray(),
                salt.getBytes(StandardCharsets.UTF_8), 4096, 256);
        return java.util.HexFormat.of().formatHex(javax.crypto.SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                .generateSecret(spec).getEncoded());
    }

    @BeforeEach
    void loadPlugin() throws Exception {
        loadPluginFor(postgres.port());
    }

    private void loadPluginFor(int port) throws Exception {
        BackendClients.loadPlugin(broker, home, PLUGIN, "url = \"" + PostgresServer.url(port, "postgres")
                + "\"\nusername = " + PostgresServer.USER + "\npassword = " + PostgresServer.PASSWORD + "\n"
                + "auth_query = \"select password_hash, salt, algorithm, is_superuser from mqtt_user"
                + " where username = %u\"\n"
                + "acl_query = \"select allow, username, clientid, access, topic from mqtt_acl where username = %u"
                + " or username = '$all' or clientid = %c order by clientid nulls last, username = '$all'\"\n"
                + "password_hash = sha256\ntimeout = 2s\npool_size = 2\n");
        log.start();
        starlingLog.addAppender(log);
    }

    @AfterEach
    void detachLog() {
        starlingLog.detachAppender(log);
    }

    private RawClient login(String id, String user) {
        return BackendClients.login(broker.port(), id, user);
    }

    private int connack(MqttVersion version, String id, String user, String password) {
        return BackendClients.connack(broker.port(), version, id, user, password);
    }

    @Test
    void theHashAlgorithmOfEachRow() {
        for (String user : new String[] {"plain", "md5", "salted", "bcrypt", "pbkdf2", "root"}) {
            assertThat(connack(MqttVersion.MQTT_5, "p-" + user, user, "good-pass")).as(user).isZero();
            assertThat(connack(MqttVersion.MQTT_5, "n-" + user, user, "bad-pass-42")).as(user)
                    .isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        }
        assertThat(connack(MqttVersion.MQTT_3_1_1, "m1", "plain", "bad-pass-42")).isEqualTo(4);
        assertThat(connack(MqttVersion.MQTT_3_1_1, "m2", null, null)).isEqualTo(5);
        assertThat(connack(MqttVersion.MQTT_5, "m3", "plain", null)).isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(connack(MqttVersion.MQTT_5, "inject", "x' or '1'='1", "good-pass"))
                .as("the username is a bind parameter").isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage)
                .noneMatch(l -> l.contains("good-pass") || l.contains("bad-pass-42") || l.contains("pg-secret"));
    }

    @Test
    void aclRowsForTheUserForAllAndForAClientId() {
        try (RawClient plain = login("acl-plain", "plain"); RawClient dev = login("dev-7", "md5");
             RawClient root = login("acl-root", "root")) {
            assertThat(publish(plain, "sensors/plain/t")).isIn(0, ReasonCode.NO_MATCHING_SUBSCRIBERS);
            assertThat(publish(plain, "sensors/md5/t")).isEqualTo(ReasonCode.NOT_AUTHORIZED);
            assertThat(publish(plain, "admin/x")).as("$all deny row").isEqualTo(ReasonCode.NOT_AUTHORIZED);
            assertThat(publish(dev, "devices/dev-7/up")).isIn(0, ReasonCode.NO_MATCHING_SUBSCRIBERS);
            assertThat(publish(dev, "devices/dev-8/up")).isEqualTo(ReasonCode.NOT_AUTHORIZED);
            assertThat(publish(root, "admin/x")).as("superuser").isIn(0, ReasonCode.NO_MATCHING_SUBSCRIBERS);
        }
    }

    @Test
    void aServerThatNeverAnswersIsDeniedAtTheTimeoutWhileOthersAreServed() throws Exception {
        BackendClients.silentServerDeniesAtTheTimeout(broker, this::loadPluginFor);
    }

    @Test
    void aServerThatIsNotThereDeniesWithinTheTimeout() throws Exception {
        broker.node().plugins().unload(PLUGIN);
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        loadPluginFor(closed);
        long started = System.nanoTime();
        assertThat(connack(MqttVersion.MQTT_5, "down-1", "plain", "good-pass"))
                .isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(6));
        assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage)
                .anyMatch(l -> l.contains("postgresql-auth failed for client 'down-1'"));
    }

    private static int publish(RawClient c, String topic) {
        return BackendClients.publish(c, topic);
    }
}
