package io.starling.it.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.starling.api.Message;
import io.starling.api.MessageProperties;
import io.starling.api.QoS;
import io.starling.testkit.StarlingExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A subscription over 50,000 retained messages: every one arrives (none dropped for a full queue: the set is
 * streamed as the client takes it), and another client on the node is served while the stream runs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class LargeRetainedSets {
    private static final int TOPICS = 50_000;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @RegisterExtension
    final StarlingExtension broker = StarlingExtension.create(b -> b.storageType(storageType()));

    /** {@code memory}: the messages are in the index; {@code rocksdb}: the index holds stubs, read back in chunks. */
    abstract String storageType();

    @BeforeAll
    void retainMany() {
        byte[] payload = new byte[32];
        for (int i = 0; i < TOPICS; i++) {
            // "big/<i / 2000>/<i % 2000>": 25 branches of 2,000
            String topic = "big/" + (i / 2000) + "/" + (i % 2000);
            broker.node().services().dispatcher().publish(new Message(topic, payload, QoS.AT_LEAST_ONCE, true,
                    MessageProperties.NONE, "test", System.currentTimeMillis()));
        }
    }

    private Mqtt5AsyncClient client(String id) {
        Mqtt5AsyncClient c = Mqtt5Client.builder().identifier(id).serverHost(broker.host()).serverPort(broker.port())
                .buildAsync();
        return c;
    }

    @ParameterizedTest
    @EnumSource(value = MqttQos.class, names = {"AT_MOST_ONCE", "AT_LEAST_ONCE"})
    void everyRetainedMessageArrivesAndOthersAreServedMeanwhile(MqttQos qos) throws Exception {
        long droppedBefore = broker.node().metrics().messagesDropped();
        Set<String> received = ConcurrentHashMap.newKeySet();
        AtomicInteger count = new AtomicInteger();
        Mqtt5AsyncClient sub = client("big-sub-" + qos);
        sub.publishes(MqttGlobalPublishFilter.ALL, p -> {
            received.add(p.getTopic().toString());
            count.incrementAndGet();
        });
        sub.connect().join();

        // Another client, ready before the stream starts: its message goes round the node while the stream runs.
        Mqtt5AsyncClient other = client("big-other-" + qos);
        CompletableFuture<Integer> echoedAt = new CompletableFuture<>();
        other.publishes(MqttGlobalPublishFilter.ALL, p -> echoedAt.complete(count.get()));
        other.connect().join();
        other.subscribeWith().topicFilter("echo/" + qos).qos(MqttQos.AT_LEAST_ONCE).send().join();

        sub.subscribeWith().topicFilter("big/#").qos(qos).send().join();
        other.publishWith().topic("echo/" + qos).qos(MqttQos.AT_MOST_ONCE).payload("ping".getBytes(StandardCharsets.UTF_8))
                .send();
        int seenWhenEchoed = echoedAt.get(30, TimeUnit.SECONDS);

        await().atMost(TIMEOUT).until(() -> received.size() == TOPICS);
        assertThat(seenWhenEchoed).as("the other client was served before the stream ended").isLessThan(TOPICS);
        assertThat(count.get()).as("each once").isEqualTo(TOPICS);
        assertThat(broker.node().metrics().messagesDropped() - droppedBefore).isZero();
        sub.disconnect().join();
        other.disconnect().join();
    }

    @Test
    void aSingleLevelWildcardVisitsOnlyItsBranch() throws Exception {
        Set<String> received = ConcurrentHashMap.newKeySet();
        Mqtt5AsyncClient sub = client("big-plus");
        sub.publishes(MqttGlobalPublishFilter.ALL, p -> received.add(p.getTopic().toString()));
        sub.connect().join();
        sub.subscribeWith().topicFilter("big/+/1999").qos(MqttQos.AT_MOST_ONCE).send().join();
        await().atMost(TIMEOUT).until(() -> received.size() == TOPICS / 2000);
        assertThat(received).allMatch(t -> t.endsWith("/1999"));
        sub.disconnect().join();
    }
}
