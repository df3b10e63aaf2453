package io.starling.cluster;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.starling.broker.bootstrap.Starling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mutual TLS between nodes: nodes with certificates of the cluster's CA form a cluster, another CA's cannot join. */
class ClusterTlsTest {
    private final LocalCluster cluster = new LocalCluster();

    @TempDir
    Path dir;

    @AfterEach
    void tearDown() {
        cluster.close();
    }

    @Test
    void nodesWithTheClustersCertificatesJoinAndForwardAndAnotherCasCannotJoin() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")),
                "SKIPPED LOUDLY: openssl is not installed (apt-get install openssl): it makes this test's certificates");
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ca.key");
        openssl("req", "-x509", "-new", "-key", "ca.key", "-subj", "/CN=cluster-ca", "-days", "2", "-out", "ca.pem");
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "other-ca.key");
        openssl("req", "-x509", "-new", "-key", "other-ca.key", "-subj", "/CN=other-ca", "-days", "2", "-out",
                "other-ca.pem");
        node("a", "ca");
        node("b", "ca");
        node("intruder", "other-ca");

        Starling a = cluster.start("a@test", tls("a", "ca"));
        Starling b = cluster.start("b@test", tls("b", "ca"));
        await().atMost(Duration.ofSeconds(20)).until(() -> LocalCluster.cluster(a).memberNames().size() == 2);

        Mqtt5BlockingClient subscriber = cluster.client(a, "sub");
        subscriber.subscribeWith().topicFilter("secure/#").qos(MqttQos.AT_LEAST_ONCE).send();
        await().atMost(Duration.ofSeconds(10)).until(() -> LocalCluster.cluster(b).remoteRows()
                .getOrDefault("a@test", 0) == 1);
        try (Mqtt5BlockingClient.Mqtt5Publishes received = subscriber.publishes(MqttGlobalPublishFilter.ALL)) {
            cluster.client(b, "pub").publishWith().topic("secure/x").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(new byte[] {42}).send();
            assertThat(received.receive(10, SECONDS)).isPresent();
        }

        // Its certificate is not the cluster CA's: the TLS handshake fails, it founds a cluster of its own.
        Starling intruder = cluster.start("intruder@test", tls("intruder", "other-ca"));
        assertThat(LocalCluster.cluster(intruder).memberNames()).containsExactly("intruder@test");
        assertThat(LocalCluster.cluster(a).memberNames()).containsExactlyInAnyOrder("a@test", "b@test");
    }

    private String tls(String node, String ca) {
        return "cluster.ssl.enabled = true\n"
                + "cluster.ssl.certfile = \"" + dir.resolve(node + ".pem") + "\"\n"
                + "cluster.ssl.keyfile = \"" + dir.resolve(node + ".key") + "\"\n"
                + "cluster.ssl.cacertfile = \"" + dir.resolve(ca + ".pem") + "\"\n";
    }

    /** A PKCS #8 key and a certificate for {@code node} signed by {@code ca}. */
    private void node(String node, String ca) throws Exception {
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", node + ".sec1");
        openssl("pkcs8", "-topk8", "-nocrypt", "-in", node + ".sec1", "-out", node + ".key");
        openssl("req", "-new", "-key", node + ".key", "-subj", "/CN=" + node, "-out", node + ".csr");
        openssl("x509", "-req", "-in", node + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key", "-CAcreateserial",
                "-days", "2", "-out", node + ".pem");
    }

    private void openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException("openssl " + String.join(" ", args) + " failed: " + output);
        }
        assertThat(Files.exists(dir)).isTrue();
    }
}
