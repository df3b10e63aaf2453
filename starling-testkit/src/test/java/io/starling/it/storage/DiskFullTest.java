package io.starling.it.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import io.starling.broker.bootstrap.Starling;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real full disk: the storage on a 32 MB tmpfs filled to the last byte. Publishes that need storing are refused
 * (MQTT 5: 0x97, MQTT 3.1.1: the connection is closed), the node keeps serving, and once space returns it stores
 * again and delivers what it acknowledged. Mounting needs root: CI runs as root; elsewhere this test says loudly
 * that it did not run.
 */
class DiskFullTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private Path mount;
    private boolean mounted;

    @BeforeEach
    void mountSmallFilesystem() throws Exception {
        mount = dir.resolve("fs");
        Files.createDirectories(mount);
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", mount.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        mounted = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        if (!mounted) {
            System.err.println("\n*** SKIPPED DiskFullTest: cannot mount a small tmpfs to fill (needs root): " + out.trim()
                    + " ***\n");
        }
        Assumptions.assumeTrue(mounted, "cannot mount a tmpfs (needs root): " + out.trim());
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            new ProcessBuilder("umount", "-l", mount.toString()).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void publishesThatNeedStorageAreRefusedWhileTheDiskIsFullAndTheNodeRecovers() throws Exception {
        try (Starling node = Starling.builder().config("storage.min_free_space = 4MB").host("127.0.0.1").port(0)
                .dataDir(mount).storageType("rocksdb").start()) {
            int port = node.port();
            Mqtt5BlockingClient sub = Mqtt5Client.builder().identifier("full-sub").serverHost("127.0.0.1")
                    .serverPort(port).buildBlocking();
            sub.connectWith().cleanStart(true).sessionExpiryInterval(3600).send();
            sub.subscribeWith().topicFilter("full/#").qos(MqttQos.AT_LEAST_ONCE).send();
            sub.disconnect();

            Mqtt5AsyncClient pub = Mqtt5Client.builder().identifier("full-pub").serverHost("127.0.0.1")
                    .serverPort(port).buildAsync();
            pub.connect().join();
            pub.publishWith().topic("full/before").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("before")).send().join();

            Path filler = fill(mount.resolve("filler"));
            // Publish until the storage stops writing (RocksDB may have room left in the log file it allocated
            // ahead). That publish is refused too, and its write retried: it is stored once space returns.
            byte[] big = new byte[64 * 1024];
            CompletableFuture<Mqtt5PublishResult> stuck = null;
            int stored = 0;
            for (int i = 0; i < 2000 && node.services().storage().writable(); i++) {
                stuck = pub.publishWith().topic("full/stuck").qos(MqttQos.AT_LEAST_ONCE).payload(big).send();
                try {
                    stuck.get(200, TimeUnit.MILLISECONDS);
                    stored++;
                } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException failed) {
                    break;
                }
            }
            await().atMost(TIMEOUT).until(() -> !node.services().storage().writable());
            assertThat(reason(stuck)).isEqualTo(Mqtt5PubAckReasonCode.QUOTA_EXCEEDED);

            assertThat(reason(pub.publishWith().topic("full/refused").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(bytes("refused")).send())).as("refused up front: 0x97")
                    .isEqualTo(Mqtt5PubAckReasonCode.QUOTA_EXCEEDED);

            Mqtt3AsyncClient v3 = Mqtt3Client.builder().identifier("full-v3").serverHost("127.0.0.1")
                    .serverPort(port).buildAsync();
            v3.connect().join();
            CompletableFuture<?> v3publish = v3.publishWith().topic("full/v3").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(bytes("v3")).send();
            await().atMost(TIMEOUT).until(() -> !v3.getState().isConnected());
            assertThat(v3publish).isNotCompleted();

            // The node still serves: a new client connects and gets its QoS 0 messages.
            Mqtt5BlockingClient other = Mqtt5Client.builder().identifier("full-other").serverHost("127.0.0.1")
                    .serverPort(port).buildBlocking();
            other.connect();
            try (Mqtt5BlockingClient.Mqtt5Publishes in = other.publishes(MqttGlobalPublishFilter.ALL)) {
                other.subscribeWith().topicFilter("live").qos(MqttQos.AT_MOST_ONCE).send();
                pub.publishWith().topic("live").qos(MqttQos.AT_MOST_ONCE).payload(bytes("still here")).send();
                assertThat(in.receive(10, TimeUnit.SECONDS)).isPresent();
            }
            other.disconnect();

            Files.delete(filler);
            await().atMost(TIMEOUT).until(() -> node.services().storage().writable());
            assertThat(reason(pub.publishWith().topic("full/after").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("after"))
                    .send())).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
            pub.disconnect().join();

            List<String> received = new CopyOnWriteArrayList<>();
            Mqtt5AsyncClient back = Mqtt5Client.builder().identifier("full-sub").serverHost("127.0.0.1")
                    .serverPort(port).buildAsync();
            back.publishes(MqttGlobalPublishFilter.ALL, p -> received.add(p.getPayloadAsBytes().length > 100 ? "stuck"
                    : new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)));
            back.connectWith().cleanStart(false).sessionExpiryInterval(3600).send().join();
            int expected = 1 + stored + 1 + 1;
            await().atMost(TIMEOUT).until(() -> received.size() >= expected);
            assertThat(received).hasSize(expected).startsWith("before").endsWith("after");
            back.disconnect().join();
        }
    }

    /** The PUBACK's reason code, whether the client reports it as a result or as a failure. */
    private static Mqtt5PubAckReasonCode reason(CompletableFuture<Mqtt5PublishResult> publish) throws Exception {
        try {
            Mqtt5PublishResult result = publish.get(10, TimeUnit.SECONDS);
            if (result.getError().orElse(null) instanceof Mqtt5PubAckException e) {
                return e.getMqttMessage().getReasonCode();
            }
            return Mqtt5PubAckReasonCode.SUCCESS;
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Mqtt5PubAckException ack) {
                return ack.getMqttMessage().getReasonCode();
            }
            throw e;
        }
    }

    private static Path fill(Path file) throws IOException {
        byte[] chunk = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(chunk);
            }
        } catch (IOException full) {
            if (!String.valueOf(full.getMessage()).contains("No space left")) {
                throw full;
            }
        }
        return file;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
