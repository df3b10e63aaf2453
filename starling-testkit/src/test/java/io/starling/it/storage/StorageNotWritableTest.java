package io.starling.it.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.starling.api.store.StoredSession;
import io.starling.broker.bootstrap.Starling;
import io.starling.testkit.StarlingExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A storage that cannot write from the start (it wants more free space than any disk has): what would have to be
 * stored is refused up front, so that nothing piles up on the heap waiting for a disk that does not come back.
 * DiskFullTest covers a real full disk and the recovery.
 */
class StorageNotWritableTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @RegisterExtension
    static final StarlingExtension BROKER = StarlingExtension.create(b -> b.config("storage.min_free_space = 1000TB")
            .storageType("rocksdb"));

    @BeforeEach
    void storageHasFailed() {
        Starling node = BROKER.node();
        if (node.services().storage().writable()) {
            // The first change stored shows the storage that it cannot write.
            node.services().storage().saveSession(new StoredSession("probe", 60, 0, List.of(), null, 0));
        }
        await().atMost(TIMEOUT).until(() -> !node.services().storage().writable());
    }

    @Test
    void aRetainedQos0PublishIsRefusedAndRetainsNothing() {
        Mqtt5BlockingClient v5 = Mqtt5Client.builder().identifier("retain-v5").serverHost("127.0.0.1")
                .serverPort(BROKER.port()).buildBlocking();
        v5.connect();
        v5.publishWith().topic("refused/v5").retain(true).qos(MqttQos.AT_MOST_ONCE)
                .payload("kept?".getBytes(StandardCharsets.UTF_8)).send();
        Mqtt3BlockingClient v3 = Mqtt3Client.builder().identifier("retain-v3").serverHost("127.0.0.1")
                .serverPort(BROKER.port()).buildBlocking();
        v3.connect();
        v3.publishWith().topic("refused/v3").retain(true).qos(MqttQos.AT_MOST_ONCE)
                .payload("kept?".getBytes(StandardCharsets.UTF_8)).send();
        // A QoS 0 PUBLISH has no answer: a later round trip on the same connections shows it was handled.
        v5.publishWith().topic("sync").qos(MqttQos.AT_MOST_ONCE).send();
        v5.subscribeWith().topicFilter("sync").send();
        v3.subscribeWith().topicFilter("sync").send();

        assertThat(BROKER.node().services().retained().entry("refused/v5")).isEmpty();
        assertThat(BROKER.node().services().retained().entry("refused/v3")).isEmpty();
        assertThat(v5.getState().isConnected()).as("a QoS 0 publisher is not disconnected for it").isTrue();
        assertThat(v3.getState().isConnected()).isTrue();
        v5.disconnect();
        v3.disconnect();
    }
}
