package io.starling.it.listeners;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.starling.codec.MqttProperties;
import io.starling.codec.MqttVersion;
import io.starling.codec.packet.ConnAckPacket;
import io.starling.codec.packet.ConnectPacket;
import io.starling.it.MosquittoClients;
import io.starling.it.MosquittoClients.Finished;
import io.starling.it.listeners.TestCertificates.Issued;
import io.starling.testkit.RawClient;
import io.starling.testkit.StarlingExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * TLS listeners with real clients: mosquitto_pub/sub with a CA, with and without client certificates (one from the
 * CA, one from an unknown CA, an expired one, none where one is required), plain MQTT sent to the TLS port, and
 * certificates replaced while clients stay connected. Run once per TLS engine (subclasses).
 */
abstract class TlsListenerTest {
    private static final Path DIR = tempDir();
    private static final TestCertificates CERTS = new TestCertificates(DIR);
    static final Issued CA = CERTS.ca("test-ca");
    private static final Issued OTHER_CA = CERTS.ca("other-ca");
    private static final Issued SERVER = CERTS.server("server", CA);
    private static final Issued DEVICE = CERTS.client("device-7", "O=Fleet,CN=device-7", CA);
    private static final Issued STRANGER = CERTS.client("stranger", "CN=stranger", OTHER_CA);
    private static final Issued EXPIRED = CERTS.expiredClient("expired", CA);

    private final ConnectedClients clients = new ConnectedClients();

    @RegisterExtension
    final StarlingExtension broker = StarlingExtension.create(b -> b.config(config()).allListeners()
            .storageType("memory").hookListener(clients));

    @RegisterExtension
    final LogLines tlsLog = new LogLines("io.starling.broker.transport");

    /** {@code jdk} or {@code openssl}. */
    abstract String engine();

    private String config() {
        // Each test gets its own copy of the server files, so that replacing them touches no other test.
        Path dir = newDir();
        Path cert = copy(SERVER.certFile(), dir);
        Path key = copy(SERVER.keyFile(), dir);
        String ssl = "certfile = \"" + cert + "\", keyfile = \"" + key + "\", cacertfile = \"" + CA.certFile()
                + "\", engine = " + engine() + ", reload_interval = 100ms";
        return "listeners.ws.default.enabled = false\n"
                + "listeners.wss.default.enabled = false\n"
                + "listeners.ssl.default.ssl { " + ssl + " }\n"
                + "listeners.ssl.mutual { bind = \"127.0.0.1:0\", ssl { " + ssl
                + ", verify = required, peer_cert_as_username = cn } }\n"
                + "listeners.ssl.tls13 { bind = \"127.0.0.1:0\", ssl { " + ssl + ", versions = [\"TLSv1.3\"] } }\n"
                + "listeners.ssl.byid { bind = \"127.0.0.1:0\", ssl { " + ssl
                + ", verify = optional, peer_cert_as_clientid = san, peer_cert_as_username = dn } }\n";
    }

    @BeforeEach
    void requireMosquittoClients() {
        MosquittoClients.assumeInstalled();
    }

    private int port(String listener) {
        return broker.node().address(listener).getPort();
    }

    private String[] tls(String... more) {
        String[] base = {"--cafile", CA.certFile().toString()};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void mosquittoClientsPublishAndSubscribeOverTlsTrustingTheCa() {
        int port = port("ssl:default");
        Process sub = MosquittoClients.sub(port, "mqttv311", tls("-i", "tls-sub", "-t", "tls/hello", "-q", "1",
                "-C", "1"));
        clients.await("tls-sub");
        await().atMost(Duration.ofSeconds(5)).until(() -> broker.node().services().router().subscriptionCount() > 0);
        MosquittoClients.pub(port, "mqttv5", tls("-i", "tls-pub", "-t", "tls/hello", "-q", "1", "-m", "over tls"));
        assertThat(MosquittoClients.finish(sub, "mosquitto_sub").trim()).isEqualTo("over tls");
    }

    @Test
    void tls12AndTls13ClientsAreServed() throws Exception {
        assertThat(negotiated(port("ssl:default"), "TLSv1.2")).isEqualTo("TLSv1.2");
        assertThat(negotiated(port("ssl:default"), "TLSv1.3")).isEqualTo("TLSv1.3");
    }

    @Test
    void aListenerLimitedToTls13RefusesATls12Client() throws Exception {
        assertThatThrownBy(() -> negotiated(port("ssl:tls13"), "TLSv1.2")).isInstanceOf(SSLException.class);
        tlsLog.await("listener ssl:tls13", "TLS handshake failed");
        assertThat(negotiated(port("ssl:tls13"), "TLSv1.3")).isEqualTo("TLSv1.3");
    }

    @Test
    void aClientCertificateFromTheCaIsAcceptedAndItsCommonNameBecomesTheUsername() {
        MosquittoClients.pub(port("ssl:mutual"), "mqttv5", tls("--cert", DEVICE.certFile().toString(), "--key",
                DEVICE.keyFile().toString(), "-i", "cert-client", "-u", "claimed-name", "-t", "tls/cert", "-m", "x"));
        assertThat(clients.await("cert-client").username()).isEqualTo("device-7");
    }

    @Test
    void theClientIdCanComeFromTheCertificatesSubjectAltNameAndTheUsernameFromItsSubject() {
        MosquittoClients.pub(port("ssl:byid"), "mqttv5", tls("--cert", DEVICE.certFile().toString(), "--key",
                DEVICE.keyFile().toString(), "-i", "claimed-id", "-t", "tls/id", "-m", "x"));
        assertThat(clients.await("device-7.devices.example").username()).isEqualTo("CN=device-7,O=Fleet");
        // verify = optional: without a certificate the client's own id stands.
        MosquittoClients.pub(port("ssl:byid"), "mqttv5", tls("-i", "no-cert", "-t", "tls/id", "-m", "x"));
        assertThat(clients.await("no-cert").username()).isNull();
    }

    @Test
    void aCertificateFromAnUnknownCaIsRefusedWithALogLine() {
        Finished run = MosquittoClients.pubStatus(port("ssl:mutual"), "mqttv5", tls("--cert",
                STRANGER.certFile().toString(), "--key", STRANGER.keyFile().toString(), "-t", "tls/x", "-m", "x"));
        assertThat(run.exitCode()).as(run.output()).isNotZero();
        tlsLog.await("listener ssl:mutual", "TLS handshake failed", "not signed by a CA in ssl.cacertfile");
    }

    @Test
    void anExpiredCertificateIsRefusedWithALogLine() {
        Finished run = MosquittoClients.pubStatus(port("ssl:mutual"), "mqttv5", tls("--cert",
                EXPIRED.certFile().toString(), "--key", EXPIRED.keyFile().toString(), "-t", "tls/x", "-m", "x"));
        assertThat(run.exitCode()).as(run.output()).isNotZero();
        tlsLog.await("listener ssl:mutual", "TLS handshake failed", "the client's certificate has expired");
    }

    @Test
    void noCertificateWhereOneIsRequiredIsRefusedWithALogLine() {
        Finished run = MosquittoClients.pubStatus(port("ssl:mutual"), "mqttv5", tls("-t", "tls/x", "-m", "x"));
        assertThat(run.exitCode()).as(run.output()).isNotZero();
        tlsLog.await("listener ssl:mutual", "the client sent no certificate");
    }

    @Test
    void plainMqttSentToTheTlsPortIsRefusedWithALogLine() {
        try (RawClient plain = RawClient.open(port("ssl:default"), MqttVersion.MQTT_5)) {
            plain.send(new ConnectPacket(MqttVersion.MQTT_5, "plain", true, 60, null, null, null, MqttProperties.NONE));
            assertThat(plain.awaitClosed(Duration.ofSeconds(5))).noneMatch(p -> p instanceof ConnAckPacket);
        }
        tlsLog.await("listener ssl:default", "not a TLS record");
    }

    @Test
    void replacedCertificatesServeNewConnectionsWhileConnectedClientsStay() throws Exception {
        int port = port("ssl:default");
        Mqtt5BlockingClient connected = MqttClient.builder().useMqttVersion5().identifier("stays")
                .serverHost("127.0.0.1").serverPort(port)
                .sslConfig().trustManagerFactory(CA.trustManager()).applySslConfig()
                .buildBlocking();
        connected.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes in = connected.publishes(MqttGlobalPublishFilter.ALL)) {
            connected.subscribeWith().topicFilter("tls/stays").qos(MqttQos.AT_LEAST_ONCE).send();
            assertThat(serverCertificate(port).getSerialNumber()).isEqualTo(SERVER.certificate().getSerialNumber());

            Issued renewed = CERTS.server("server-renewed", CA);
            Path listenerCert = broker.node().config().listeners().stream().filter(l -> l.id().equals("ssl:default"))
                    .findFirst().orElseThrow().tls().certFile();
            Path listenerKey = listenerCert.resolveSibling(listenerCert.getFileName().toString().replace(".crt", ".key"));
            // The key first, then the certificate, each by rename: what a certificate manager does.
            replace(renewed.keyFile(), listenerKey);
            replace(renewed.certFile(), listenerCert);
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    serverCertificate(port).getSerialNumber().equals(renewed.certificate().getSerialNumber()));

            connected.publishWith().topic("tls/stays").qos(MqttQos.AT_LEAST_ONCE)
                    .payload("still here".getBytes(StandardCharsets.UTF_8)).send();
            Optional<Mqtt5Publish> got = in.receive(5, TimeUnit.SECONDS);
            assertThat(got).as("the client connected before the reload still works").isPresent();
            assertThat(new String(got.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("still here");
            assertThat(broker.node().reloadCertificates()).as("reload on command").contains("ssl:default");
        } finally {
            connected.disconnect();
        }
    }

    /** Handshakes offering only {@code protocol}; returns what was negotiated. */
    private static String negotiated(int port, String protocol) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, CA.trustManager().getTrustManagers(), null);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.setEnabledProtocols(new String[] {protocol});
            s.startHandshake();
            return s.getSession().getProtocol();
        }
    }

    private static X509Certificate serverCertificate(int port) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, CA.trustManager().getTrustManagers(), null);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.startHandshake();
            return (X509Certificate) s.getSession().getPeerCertificates()[0];
        }
    }

    private static void replace(Path from, Path to) throws IOException {
        Path staged = to.resolveSibling(to.getFileName() + ".new");
        Files.copy(from, staged, StandardCopyOption.REPLACE_EXISTING);
        Files.move(staged, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static Path newDir() {
        try {
            return Files.createTempDirectory(DIR, "listener");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path copy(Path file, Path dir) {
        try {
            return Files.copy(file, dir.resolve(file.getFileName()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path tempDir() {
        try {
            Path dir = Files.createTempDirectory("starling-certs");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
