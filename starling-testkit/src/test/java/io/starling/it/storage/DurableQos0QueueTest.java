package io.starling.it.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.starling.testkit.StarlingExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** With {@code mqtt.queue_qos0 = true}, QoS 0 messages queued for an offline durable session survive a restart. */
class DurableQos0QueueTest {

    @RegisterExtension
    final StarlingExtension broker = StarlingExtension.create(b -> b.config("mqtt.queue_qos0 = true")
            .storageType("rocksdb"));

    private Mqtt5BlockingClient v5(String id) {
        return Mqtt5Client.builder().identifier(id).serverHost(broker.host()).serverPort(broker.port())
                .buildBlocking();
    }

    @Test
    void offlineQos0MessagesAreStoredWhenTheSettingSaysSo() throws InterruptedException {
        Mqtt5BlockingClient sub = v5("qos0-sub");
        sub.connectWith().cleanStart(true).sessionExpiryInterval(600).send();
        sub.subscribeWith().topicFilter("durable/qos0").qos(MqttQos.AT_MOST_ONCE).send();
        sub.disconnect();
        Mqtt5BlockingClient pub = v5("qos0-pub");
        pub.connect();
        for (int i = 0; i < 3; i++) {
            pub.publishWith().topic("durable/qos0").qos(MqttQos.AT_MOST_ONCE)
                    .payload(("zero-" + i).getBytes(StandardCharsets.UTF_8)).send();
        }
        // A QoS 1 message after them: once it is acknowledged, the QoS 0 ones before it are stored too.
        pub.publishWith().topic("durable/qos0").qos(MqttQos.AT_LEAST_ONCE)
                .payload("one".getBytes(StandardCharsets.UTF_8)).send();
        pub.disconnect();

        broker.restart();

        Mqtt5BlockingClient again = v5("qos0-sub");
        List<String> got = new ArrayList<>();
        try (Mqtt5BlockingClient.Mqtt5Publishes in = again.publishes(MqttGlobalPublishFilter.ALL)) {
            again.connectWith().cleanStart(false).sessionExpiryInterval(600).send();
            for (int i = 0; i < 4; i++) {
                Optional<Mqtt5Publish> p = in.receive(10, TimeUnit.SECONDS);
                assertThat(p).as("message %d", i).isPresent();
                got.add(new String(p.get().getPayloadAsBytes(), StandardCharsets.UTF_8));
            }
        }
        assertThat(got).containsExactly("zero-0", "zero-1", "zero-2", "one");
        again.disconnect();
    }
}
