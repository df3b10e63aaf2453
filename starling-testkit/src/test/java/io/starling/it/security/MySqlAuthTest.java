package io.starling.it.security;

import static org.assertj.core.api.Assertions.assertThat;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.starling.codec.MqttVersion;
import io.starling.codec.ReasonCode;
import io.starling.it.security.servers.MariaDbServer;
import io.starling.testkit.RawClient;
import io.starling.testkit.StarlingExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MySQL/MariaDB plugin against a real MariaDB server: rows hashed with sha256 and a suffix salt, md5 and
 * bcrypt, the superuser query, ACL rows, an injection attempt, and the server stopped while the node runs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MySqlAuthTest {
    private static final String PLUGIN = "starling-auth-mysql";
    private static MariaDbServer maria;

    @TempDir
    static Path serverDir;

    @TempDir
    Path home;

    @RegisterExtension
    final StarlingExtension broker =
            StarlingExtension.create(b -> b.storageType("memory").config(BackendClients.nodeConfig(home, true)));

    @BeforeAll
    static void startMariaDb() throws Exception {
        maria = MariaDbServer.start(serverDir.resolve("mdb"));
        maria.sql("mqtt", "create table mqtt_user (username varchar(100) primary key, password_hash varchar(200),"
                + " salt varchar(40), algorithm varchar(10));"
                + " create table mqtt_admin (username varchar(100) primary key);"
                + " create table mqtt_acl (allow int, ipaddr varchar(60), username varchar(100),"
                + " clientid varchar(100), access int, topic varchar(200));"
                + " insert into mqtt_user values ('alice', sha2(concat('good-pass', 'pep'), 256), 'pep', null),"
                + " ('bob', md5('good-pass'), null, 'md5'),"
                + " ('carol', '" + BCrypt.withDefaults().hashToString(4, "good-pass".toCharArray()) + "', null, 'bcrypt'),"
                + " ('root', sha2(concat('good-pass', 'x'), 256), 'x', null);"
                + " insert into mqtt_admin values ('root');"
                + " insert into mqtt_acl values (1, null, 'alice', null, 2, 'alice/%u/out'),"
                + " (0, null, '$all', null, 3, '#');");
    }

    @AfterAll
    static void stopMariaDb() throws Exception {
        if (maria != null) {
            maria.stop();
        }
    }

    @BeforeEach
    void loadPlugin() throws Exception {
        loadPluginAt(maria.url());
    }

    private void loadPluginAt(String url) throws Exception {
        BackendClients.loadPlugin(broker, home, PLUGIN, "url = \"" + url + "\"\n"
                + "username = " + MariaDbServer.USER + "\npassword = " + MariaDbServer.PASSWORD + "\n"
                + "auth_query = \"select password_hash, salt, algorithm from mqtt_user where username = %u\"\n"
                + "super_query = \"select 1 from mqtt_admin where username = %u\"\n"
                + "acl_query = \"select allow, username, clientid, access, topic from mqtt_acl"
                + " where username = %u or username = '$all' order by username = '$all'\"\n"
                + "password_hash = sha256\nsalt_position = suffix\ntimeout = 2s\n");
    }

    private int connack(MqttVersion version, String id, String user, String password) {
        return BackendClients.connack(broker.port(), version, id, user, password);
    }

    private RawClient login(String id, String user) {
        return BackendClients.login(broker.port(), id, user);
    }

    @Test
    @Order(1)
    void eachRowsHashAndTheSuperuserQuery() {
        for (String user : new String[] {"alice", "bob", "carol", "root"}) {
            assertThat(connack(MqttVersion.MQTT_5, "m-" + user, user, "good-pass")).as(user).isZero();
            assertThat(connack(MqttVersion.MQTT_3_1_1, "x-" + user, user, "bad-pass-42")).as(user).isEqualTo(4);
        }
        assertThat(connack(MqttVersion.MQTT_5, "inj", "' or 1=1 -- ", "good-pass"))
                .isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        try (RawClient alice = login("acl-alice", "alice"); RawClient root = login("acl-root", "root")) {
            assertThat(BackendClients.publish(alice, "alice/alice/out")).isIn(0, ReasonCode.NO_MATCHING_SUBSCRIBERS);
            assertThat(BackendClients.publish(alice, "elsewhere")).as("$all deny").isEqualTo(ReasonCode.NOT_AUTHORIZED);
            assertThat(BackendClients.publish(root, "elsewhere")).as("superuser")
                    .isIn(0, ReasonCode.NO_MATCHING_SUBSCRIBERS);
        }
    }

    /** Last: it stops the class's server. */
    @Test
    @Order(2)
    void aServerThatNeverAnswersIsDeniedAtTheTimeoutWhileOthersAreServed() throws Exception {
        BackendClients.silentServerDeniesAtTheTimeout(broker,
                port -> loadPluginAt("jdbc:mariadb://127.0.0.1:" + port + "/mqtt"));
    }

    @Test
    @Order(3)
    void aServerStoppedWhileTheNodeRunsDeniesByDefault() throws Exception {
        assertThat(connack(MqttVersion.MQTT_5, "before", "alice", "good-pass")).isZero();
        maria.stop();
        try {
            long started = System.nanoTime();
            assertThat(connack(MqttVersion.MQTT_5, "during", "alice", "good-pass"))
                    .isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(6));
        } finally {
            maria = null;
        }
    }
}
