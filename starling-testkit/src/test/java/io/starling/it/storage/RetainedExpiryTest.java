package io.starling.it.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.starling.api.Message;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.starling.testkit.StarlingExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A retained message whose expiry passes is removed from the heap and the storage with no subscriber asking. */
class RetainedExpiryTest {

    @RegisterExtension
    final StarlingExtension broker = StarlingExtension.create(b -> b.config("mqtt.retained_sweep_interval = 200ms")
            .storageType("rocksdb"));

    @Test
    void anExpiredRetainedMessageNobodyAskedForIsSweptAndItsReplacementKept() throws Exception {
        Mqtt5BlockingClient pub = Mqtt5Client.builder().identifier("retain-expiry").serverHost(broker.host())
                .serverPort(broker.port()).buildBlocking();
        pub.connect();
        publish(pub, "expiry/short", "gone soon", 1L);
        publish(pub, "expiry/forever", "kept", null);
        publish(pub, "expiry/replaced", "old", 1L);
        publish(pub, "expiry/replaced", "new", 3600L);
        pub.disconnect();
        assertThat(broker.node().services().retained().size()).isEqualTo(3);

        await().atMost(Duration.ofSeconds(10)).until(() -> broker.node().services().retained().size() == 2);
        List<Message> stored = broker.node().services().storage()
                .readRetained(List.of("expiry/short", "expiry/forever", "expiry/replaced"))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(stored).extracting(Message::topic).containsExactly("expiry/forever", "expiry/replaced");
        assertThat(new String(stored.get(1).payload(), StandardCharsets.UTF_8)).isEqualTo("new");
    }

    private static void publish(Mqtt5BlockingClient c, String topic, String payload, Long expirySeconds) {
        var p = c.publishWith().topic(topic).retain(true).qos(MqttQos.AT_LEAST_ONCE)
                .payload(payload.getBytes(StandardCharsets.UTF_8));
        if (expirySeconds != null) {
            p.messageExpiryInterval(expirySeconds);
        }
        p.send();
    }
}
