package io.starling.it.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.starling.codec.MqttVersion;
import io.starling.codec.ReasonCode;
import io.starling.it.security.servers.LdapServer;
import io.starling.testkit.RawClient;
import io.starling.testkit.StarlingExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LDAP plugin against a real slapd with the shipped schema: bind as the user and compare, good, bad and missing
 * passwords, a filter injection attempt, the superuser attribute, the ACL from topic attributes, and the server
 * stopped while the node runs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LdapAuthTest {
    private static final String PLUGIN = "starling-auth-ldap";
    private static final Path SCHEMA = Path.of("../starling-dist/src/main/dist/etc/plugins/starling-auth-ldap.schema");
    private static LdapServer ldap;

    @TempDir
    static Path serverDir;

    @TempDir
    Path home;

    @RegisterExtension
    final StarlingExtension broker =
            StarlingExtension.create(b -> b.storageType("memory").config(BackendClients.nodeConfig(home, true)));

    @BeforeAll
    static void startSlapd() throws Exception {
        ldap = LdapServer.start(serverDir.resolve("ldap"), SCHEMA, "dn: ou=users," + LdapServer.BASE
                + "\nobjectClass: organizationalUnit\nou: users\n\n" + user("alice", "FALSE", "sensors/%u/#")
                + "\n" + user("root", "TRUE", "nothing") + "\n" + user("bob", "FALSE", "bob/out"));
    }

    private static String user(String uid, String superuser, String publish) {
        return "dn: uid=" + uid + ",ou=users," + LdapServer.BASE + "\nobjectClass: inetOrgPerson\nobjectClass: "
                + "mqttUser\nuid: " + uid + "\ncn: " + uid + "\nsn: " + uid + "\nuserPassword: good-pass\n"
                + "isSuperuser: " + superuser + "\nmqttPublishTopic: " + publish + "\n";
    }

    @AfterAll
    static void stopSlapd() throws Exception {
        if (ldap != null) {
            ldap.stop();
        }
    }

    private void load(String method) throws Exception {
        BackendClients.loadPlugin(broker, home, PLUGIN, "url = \"" + ldap.url() + "\"\n"
                + "bind_dn = \"" + LdapServer.ADMIN + "\"\nbind_password = " + LdapServer.ADMIN_PASSWORD + "\n"
                + "base_dn = \"ou=users," + LdapServer.BASE + "\"\nmethod = " + method + "\n"
                + "superuser_attribute = isSuperuser\ntimeout = 2s\n");
    }

    private int connack(MqttVersion version, String id, String user, String password) {
        return BackendClients.connack(broker.port(), version, id, user, password);
    }

    private RawClient login(String id, String user) {
        return BackendClients.login(broker.port(), id, user);
    }

    @Test
    @Order(1)
    void bindAsTheUser() throws Exception {
        load("bind");
        assertThat(connack(MqttVersion.MQTT_5, "l1", "alice", "good-pass")).isZero();
        assertThat(connack(MqttVersion.MQTT_5, "l2", "alice", "bad-pass-42"))
                .isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(connack(MqttVersion.MQTT_3_1_1, "l3", "alice", "")).as("empty: never an anonymous bind")
                .isEqualTo(4);
        assertThat(connack(MqttVersion.MQTT_5, "l4", "*", "good-pass")).as("'*' is escaped, matches nobody")
                .isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(connack(MqttVersion.MQTT_3_1_1, "l5", null, null)).isEqualTo(5);
        try (RawClient alice = login("acl-alice", "alice"); RawClient root = login("acl-root", "root")) {
            assertThat(BackendClients.publish(alice, "sensors/alice/t")).isIn(0, ReasonCode.NO_MATCHING_SUBSCRIBERS);
            assertThat(BackendClients.publish(alice, "sensors/bob/t")).isEqualTo(ReasonCode.NOT_AUTHORIZED);
            assertThat(BackendClients.publish(root, "sensors/bob/t")).as("isSuperuser: TRUE")
                    .isIn(0, ReasonCode.NO_MATCHING_SUBSCRIBERS);
        }
    }

    @Test
    @Order(2)
    void compareThePasswordAttribute() throws Exception {
        load("compare");
        assertThat(connack(MqttVersion.MQTT_5, "c1", "bob", "good-pass")).isZero();
        assertThat(connack(MqttVersion.MQTT_5, "c2", "bob", "bad-pass-42"))
                .isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
    }

    /** Last: it stops the class's server. */
    @Test
    @Order(3)
    void aServerStoppedWhileTheNodeRunsDeniesByDefault() throws Exception {
        load("bind");
        assertThat(connack(MqttVersion.MQTT_5, "before", "alice", "good-pass")).isZero();
        ldap.stop();
        ldap = null;
        long started = System.nanoTime();
        assertThat(connack(MqttVersion.MQTT_5, "during", "alice", "good-pass"))
                .isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(6));
    }
}
