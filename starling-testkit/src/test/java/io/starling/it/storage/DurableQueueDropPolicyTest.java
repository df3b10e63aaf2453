package io.starling.it.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.starling.api.Message;
import io.starling.api.hook.HookListener;
import io.starling.testkit.StarlingExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code mqtt.drop_policy} holds for the part of a durable session's queue that waits in the storage: an offline
 * subscriber with {@code max_queued_messages = 1000} sent 1,500 QoS 1 messages keeps the newest 1,000
 * ({@code drop_oldest}) or the first 1,000 ({@code drop_newest}); the others are dropped, counted, told to hooks
 * and removed from the storage (a restart does not bring them back).
 */
class DurableQueueDropPolicyTest {
    private static final int BOUND = 1000;
    private static final int SENT = 1500;
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    /** A node with the given policy and the case checked on it. */
    abstract static class WithPolicy {
        final Drops drops = new Drops();
        @RegisterExtension
        final StarlingExtension broker;

        WithPolicy(String policy) {
            broker = StarlingExtension.create(b -> b.storageType("rocksdb")
                    .config("mqtt.max_queued_messages = " + BOUND + "\nmqtt.drop_policy = " + policy)
                    .hookListener(drops));
        }

        void overfillThenExpect(List<String> dropped, List<String> kept) throws Exception {
            overfillOfflineQueue(broker);
            await().atMost(TIMEOUT).until(() -> drops.payloads.size() == dropped.size());
            assertThat(drops.payloads).containsExactlyElementsOf(dropped);
            receiveAfterRestart(broker, kept);
        }
    }

    @Nested
    class DropOldest extends WithPolicy {
        DropOldest() {
            super("drop_oldest");
        }

        @Test
        void theOldestStoredMessagesGiveWayToTheNewest() throws Exception {
            overfillThenExpect(payloads(0, SENT - BOUND), payloads(SENT - BOUND, SENT));
        }
    }

    @Nested
    class DropNewest extends WithPolicy {
        DropNewest() {
            super("drop_newest");
        }

        @Test
        void theNewestMessagesAreRefused() throws Exception {
            overfillThenExpect(payloads(BOUND, SENT), payloads(0, BOUND));
        }
    }

    /** The payloads of the QUEUE_FULL drops, in the order hooks were told. */
    static final class Drops implements HookListener {
        final List<String> payloads = new CopyOnWriteArrayList<>();

        @Override
        public void onDropped(String clientId, Message message, DropReason reason) {
            if (reason == DropReason.QUEUE_FULL) {
                payloads.add(new String(message.payload(), StandardCharsets.UTF_8));
            }
        }
    }

    private static void overfillOfflineQueue(StarlingExtension broker) throws Exception {
        Mqtt5BlockingClient sub = v5(broker, "bound-sub");
        sub.connectWith().cleanStart(true).sessionExpiryInterval(3600).send();
        sub.subscribeWith().topicFilter("bound/q").qos(MqttQos.AT_LEAST_ONCE).send();
        sub.disconnect();
        await().atMost(TIMEOUT).until(() -> !broker.node().services().sessions().get("bound-sub").isOnline());

        Mqtt5AsyncClient pub = v5(broker, "bound-pub").toAsync();
        pub.connect().join();
        CompletableFuture<?>[] sent = new CompletableFuture<?>[SENT];
        for (int i = 0; i < SENT; i++) {
            sent[i] = pub.publishWith().topic("bound/q").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(("m-" + i).getBytes(StandardCharsets.UTF_8)).send();
        }
        CompletableFuture.allOf(sent).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        pub.disconnect().join();
        var session = broker.node().services().sessions().get("bound-sub");
        await().atMost(TIMEOUT).until(() -> session.queuedCount() == BOUND);
        assertThat(broker.node().metrics().messagesDropped(HookListener.DropReason.QUEUE_FULL))
                .isEqualTo(SENT - BOUND);
    }

    /** After a restart (the dropped messages must be gone from the storage), the client gets exactly these. */
    private static void receiveAfterRestart(StarlingExtension broker, List<String> expected) throws Exception {
        broker.restart();
        Mqtt5BlockingClient again = v5(broker, "bound-sub");
        try (Mqtt5BlockingClient.Mqtt5Publishes in = again.publishes(MqttGlobalPublishFilter.ALL)) {
            again.connectWith().cleanStart(false).sessionExpiryInterval(3600).send();
            for (String payload : expected) {
                Optional<Mqtt5Publish> p = in.receive(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(p).as("expecting " + payload).isPresent();
                assertThat(new String(p.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo(payload);
            }
            assertThat(in.receive(300, TimeUnit.MILLISECONDS)).as("nothing beyond the bound").isEmpty();
        }
        again.disconnect();
    }

    private static List<String> payloads(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "m-" + i).toList();
    }

    private static Mqtt5BlockingClient v5(StarlingExtension broker, String id) {
        return Mqtt5Client.builder().identifier(id).serverHost(broker.host()).serverPort(broker.port())
                .buildBlocking();
    }
}
