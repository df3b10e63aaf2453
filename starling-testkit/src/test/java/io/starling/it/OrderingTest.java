package io.starling.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.starling.testkit.StarlingExtension;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Message ordering: one publisher sends numbered messages as fast as its in-flight window allows; a subscriber
 * at the same QoS receives every one, in order [MQTT-4.6.0-6].
 */
class OrderingTest {

    @RegisterExtension
    static final StarlingExtension BROKER = StarlingExtension.create();

    private static byte[] seq(int i) {
        return ByteBuffer.allocate(4).putInt(i).array();
    }

    private static int seq(byte[] payload) {
        return ByteBuffer.wrap(payload).getInt();
    }

    @ParameterizedTest(name = "MQTT 5, QoS {0}, {1} messages")
    @CsvSource({"1, 1000", "2, 200"})
    void mqtt5InOrder(int qos, int count) throws Exception {
        String topic = Clients.topic("order5");
        Mqtt5BlockingClient sub = Clients.connectedV5(BROKER, Clients.id("order5-sub"));
        Mqtt5BlockingClient pub = Clients.connectedV5(BROKER, Clients.id("order5-pub"));
        try (var in = Clients.publishes(sub)) {
            sub.subscribeWith().topicFilter(topic).qos(MqttQos.fromCode(qos)).send();
            List<CompletableFuture<?>> sent = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                sent.add(pub.toAsync().publishWith().topic(topic).qos(MqttQos.fromCode(qos)).payload(seq(i)).send());
            }
            for (int i = 0; i < count; i++) {
                Mqtt5Publish p = Clients.receive(in);
                assertThat(seq(p.getPayloadAsBytes())).as("message %d", i).isEqualTo(i);
                assertThat(p.getQos().getCode()).isEqualTo(qos);
            }
            CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0])).get(10, TimeUnit.SECONDS);
        } finally {
            sub.disconnect();
            pub.disconnect();
        }
    }

    @ParameterizedTest(name = "MQTT 3.1.1, QoS {0}, {1} messages")
    @CsvSource({"1, 1000", "2, 200"})
    void mqtt311InOrder(int qos, int count) throws Exception {
        String topic = Clients.topic("order3");
        Mqtt3BlockingClient sub = Clients.connectedV3(BROKER, Clients.id("order3-sub"));
        Mqtt3BlockingClient pub = Clients.connectedV3(BROKER, Clients.id("order3-pub"));
        try (var in = Clients.publishes(sub)) {
            sub.subscribeWith().topicFilter(topic).qos(MqttQos.fromCode(qos)).send();
            List<CompletableFuture<?>> sent = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                sent.add(pub.toAsync().publishWith().topic(topic).qos(MqttQos.fromCode(qos)).payload(seq(i)).send());
            }
            for (int i = 0; i < count; i++) {
                Mqtt3Publish p = Clients.receive(in);
                assertThat(seq(p.getPayloadAsBytes())).as("message %d", i).isEqualTo(i);
                assertThat(p.getQos().getCode()).isEqualTo(qos);
            }
            CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0])).get(10, TimeUnit.SECONDS);
        } finally {
            sub.disconnect();
            pub.disconnect();
        }
    }
}
