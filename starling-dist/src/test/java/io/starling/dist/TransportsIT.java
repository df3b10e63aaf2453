package io.starling.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.security.cert.CertificateFactory;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged node serves every listener type from the shipped configuration: TLS by the BoringSSL engine it
 * ships in lib/ once a certificate is set, and WebSocket on its default path.
 */
class TransportsIT {
    @TempDir
    Path dir;

    @Test
    void tlsByTheShippedOpenSslEngineAndWebSocketFromTheShippedConfig() throws Exception {
        Path cert = dir.resolve("broker.crt");
        Path key = dir.resolve("broker.key");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj", "/CN=localhost", "-addext",
                "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", key.toString(), "-out", cert.toString())
                .redirectErrorStream(true).start();
        assertThat(openssl.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(openssl.exitValue()).as(new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isZero();
        Map<String, String> env = Map.of(
                "STARLING_LISTENERS__SSL__DEFAULT__SSL__CERTFILE", cert.toString(),
                "STARLING_LISTENERS__SSL__DEFAULT__SSL__KEYFILE", key.toString(),
                "STARLING_LISTENERS__WSS__DEFAULT__SSL__CERTFILE", cert.toString(),
                "STARLING_LISTENERS__WSS__DEFAULT__SSL__KEYFILE", key.toString());
        try (NodeProcess node = NodeProcess.in(dir, env).start()) {
            assertThat(node.output()).anyMatch(l -> l.contains("listener ssl:default listening on")
                    && l.contains("by openssl"));
            TrustManagerFactory trust = trusting(cert);
            roundTrip(base(node.port("ssl:default"), "dist-ssl").sslConfig().trustManagerFactory(trust)
                    .applySslConfig());
            roundTrip(base(node.port("ws:default"), "dist-ws").webSocketConfig().serverPath("mqtt")
                    .applyWebSocketConfig());
            roundTrip(base(node.port("wss:default"), "dist-wss").sslConfig().trustManagerFactory(trust)
                    .applySslConfig().webSocketConfig().serverPath("mqtt").applyWebSocketConfig());

            // bin/starling reload: certificates reloaded on command, the node still serving.
            ProcessBuilder reloadCommand = new ProcessBuilder(NodeProcess.dist().resolve("bin/starling").toString(),
                    "reload").redirectErrorStream(true);
            reloadCommand.environment().put("STARLING_HOME", node.home().toString());
            Process reload = reloadCommand.start();
            reload.getOutputStream().close();
            assertThat(reload.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(reload.exitValue()).as(new String(reload.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                    .isZero();
            await().atMost(Duration.ofSeconds(10)).until(() -> node.output().stream()
                    .anyMatch(l -> l.contains("reload: applied: ") && l.contains("TLS certificates of ssl:default, wss:default")));
            roundTrip(base(node.port("ssl:default"), "dist-ssl-again").sslConfig().trustManagerFactory(trust)
                    .applySslConfig());
        }
    }

    private static Mqtt5ClientBuilder base(int port, String id) {
        return MqttClient.builder().useMqttVersion5().identifier(id).serverHost("127.0.0.1").serverPort(port);
    }

    private static void roundTrip(Mqtt5ClientBuilder builder) throws InterruptedException {
        Mqtt5BlockingClient c = builder.buildBlocking();
        c.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes in = c.publishes(MqttGlobalPublishFilter.ALL)) {
            String topic = "dist/" + c.getConfig().getClientIdentifier().orElseThrow();
            c.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
            c.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload("hi".getBytes(StandardCharsets.UTF_8)).send();
            Optional<Mqtt5Publish> got = in.receive(10, TimeUnit.SECONDS);
            assertThat(got).as(topic).isPresent();
        } finally {
            c.disconnect();
        }
    }

    private static TrustManagerFactory trusting(Path cert) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            ks.setCertificateEntry("broker", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        return tmf;
    }
}
