package io.starling.bridge;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/** HiveMQ MQTT 5 clients for the tests: a publisher, and subscribers that collect what they get. */
final class Clients {
    private Clients() {
    }

    /** What a subscriber got, in order. */
    record Got(String topic, String payload, boolean retain) {
    }

    static Mqtt5AsyncClient connect(int port) {
        Mqtt5AsyncClient c = Mqtt5Client.builder().identifier("t-" + UUID.randomUUID()).serverHost("127.0.0.1")
                .serverPort(port).buildAsync();
        c.connect().join();
        return c;
    }

    /** A clean subscriber to {@code filter} (retain as published, so the flag can be seen). */
    static List<Got> subscribe(int port, String filter, int qos) {
        List<Got> got = new CopyOnWriteArrayList<>();
        Mqtt5AsyncClient c = connect(port);
        c.subscribeWith().topicFilter(filter).qos(MqttQos.fromCode(qos)).retainAsPublished(true)
                .callback(p -> got.add(got(p))).send().join();
        return got;
    }

    /** A subscriber whose session outlives its connection and that reconnects by itself. */
    static List<Got> persistentSubscriber(int port, String clientId, String filter) {
        List<Got> got = new CopyOnWriteArrayList<>();
        Mqtt5AsyncClient c = Mqtt5Client.builder().identifier(clientId).serverHost("127.0.0.1").serverPort(port)
                .automaticReconnect().initialDelay(100, java.util.concurrent.TimeUnit.MILLISECONDS)
                .maxDelay(500, java.util.concurrent.TimeUnit.MILLISECONDS).applyAutomaticReconnect().buildAsync();
        c.publishes(MqttGlobalPublishFilter.ALL, p -> got.add(got(p)));
        c.connectWith().cleanStart(false).sessionExpiryInterval(3600).send().join();
        c.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send().join();
        return got;
    }

    static Got got(Mqtt5Publish p) {
        return new Got(p.getTopic().toString(), new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8), p.isRetain());
    }

    static void publish(Mqtt5AsyncClient c, String topic, String payload, int qos, boolean retain) {
        c.publishWith().topic(topic).payload(payload.getBytes(StandardCharsets.UTF_8)).qos(MqttQos.fromCode(qos))
                .retain(retain).send().join();
    }
}
