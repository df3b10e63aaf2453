package io.starling.it.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.starling.codec.MqttVersion;
import io.starling.codec.ReasonCode;
import io.starling.it.listeners.TestCertificates;
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
    /** The same directory behind a certificate the right CA signed for another host name. */
    private static LdapServer elsewhere;

    @TempDir
    static Path serverDir;

    @TempDir
    Path home;

    @RegisterExtension
    final StarlingExtension broker =
            StarlingExtension.create(b -> b.storageType("memory").config(BackendClients.nodeConfig(home, true)));

    private static TestCertificates.Issued ca;
    private static TestCertificates.Issued otherCa;

    @BeforeAll
    static void startSlapd() throws Exception {
        TestCertificates certificates = new TestCertificates(Files.createDirectories(serverDir.resolve("tls")));
        ca = certificates.ca("ldap-ca");
        otherCa = certificates.ca("other-ca");
        TestCertificates.Issued server = certificates.server("ldap-server", ca);
        String users = "dn: ou=users," + LdapServer.BASE + "\nobjectClass: organizationalUnit\nou: users\n\n"
                + user("alice", "FALSE", "sensors/%u/#") + "\n" + user("root", "TRUE", "nothing") + "\n"
                + user("bob", "FALSE", "bob/out");
        ldap = LdapServer.start(serverDir.resolve("ldap"), SCHEMA, users, server.certFile(), server.keyFileWithPublicKey());
        TestCertificates.Issued otherHost = certificates.server("ldap-elsewhere", ca, "ldap.elsewhere.example");
        elsewhere = LdapServer.start(serverDir.resolve("elsewhere"), SCHEMA, users, otherHost.certFile(),
                otherHost.keyFileWithPublicKey());
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
        if (elsewhere != null) {
            elsewhere.stop();
        }
    }

    private void load(String method) throws Exception {
        load(method, "url = \"" + ldap.url() + "\"\n");
    }

    private void load(String method, String connection) throws Exception {
        BackendClients.loadPlugin(broker, home, PLUGIN, connection
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

    @Test
    @Order(3)
    void ldapsAndStartTlsWithTheDirectorysCaAndNotWithAnother() throws Exception {
        load("bind", "url = \"" + ldap.tlsUrl() + "\"\nssl.cacertfile = \"" + ca.certFile() + "\"\n");
        assertThat(connack(MqttVersion.MQTT_5, "t1", "alice", "good-pass")).as("ldaps://").isZero();
        assertThat(connack(MqttVersion.MQTT_5, "t2", "alice", "bad-pass-42"))
                .isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        load("bind", "url = \"" + ldap.url() + "\"\nstart_tls = true\nssl.cacertfile = \"" + ca.certFile() + "\"\n");
        assertThat(connack(MqttVersion.MQTT_5, "t3", "alice", "good-pass")).as("StartTLS").isZero();
        load("bind", "url = \"" + ldap.tlsUrl() + "\"\nssl.cacertfile = \"" + otherCa.certFile() + "\"\n");
        assertThat(connack(MqttVersion.MQTT_5, "t4", "alice", "good-pass"))
                .as("a directory whose certificate does not chain to the configured CA is not trusted")
                .isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
    }

    @Test
    @Order(4)
    void aCertificateOurCaSignedForAnotherHostIsRefusedUnlessHostNamesAreNotVerified() throws Exception {
        // The CA is trusted, but the certificate names ldap.elsewhere.example, not 127.0.0.1: whoever holds any
        // certificate of that CA could otherwise stand in for the directory and learn every password.
        String trust = "ssl.cacertfile = \"" + ca.certFile() + "\"\n";
        load("bind", "url = \"" + elsewhere.tlsUrl() + "\"\n" + trust);
        assertThat(connack(MqttVersion.MQTT_5, "n1", "alice", "good-pass")).as("ldaps://")
                .isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        load("bind", "url = \"" + elsewhere.url() + "\"\nstart_tls = true\n" + trust);
        assertThat(connack(MqttVersion.MQTT_5, "n2", "alice", "good-pass")).as("StartTLS")
                .isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        load("bind", "url = \"" + elsewhere.tlsUrl() + "\"\n" + trust + "ssl.verify_hostname = false\n");
        assertThat(connack(MqttVersion.MQTT_5, "n3", "alice", "good-pass")).as("verification off (unsafe)")
                .isZero();
    }

    @Test
    @Order(5)
    void aServerThatNeverAnswersIsDeniedAtTheTimeoutWhileOthersAreServed() throws Exception {
        BackendClients.silentServerDeniesAtTheTimeout(broker,
                port -> load("bind", "url = \"ldap://127.0.0.1:" + port + "\"\n"));
    }

    /** Last: it stops the class's server. */
    @Test
    @Order(6)
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
