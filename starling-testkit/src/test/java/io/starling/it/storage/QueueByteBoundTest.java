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
import io.starling.broker.session.Session;
import io.starling.testkit.StarlingExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
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
 * {@code mqtt.max_queued_bytes} bounds an offline session's queue by its payload bytes, well under its message
 * count bound: 1 KiB messages into a 10 KiB bound keep the newest ten ({@code drop_oldest}), the others dropped,
 * counted and told to hooks. The sizes of what waits in the storage survive a restart, so the bound still holds
 * after it; and on the heap (memory storage) the same rule applies.
 */
class QueueByteBoundTest {
    private static final int MESSAGE = 1024;
    private static final int BOUND_MESSAGES = 10;
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final String CONFIG = "mqtt.max_queued_bytes = 10KiB\nmqtt.max_queued_messages = 1000";

    /** A node on the given storage, counting what hooks are told was dropped. */
    abstract static class OnStorage {
        final Drops drops = new Drops();
        @RegisterExtension
        final StarlingExtension broker;

        OnStorage(String type) {
            broker = StarlingExtension.create(b -> b.storageType(type).config(CONFIG).hookListener(drops));
        }

        /** Twenty 1 KiB messages for the offline subscriber: the first ten give way to the last ten. */
        void overfill() throws Exception {
            subscribeThenLeave(broker);
            publish(broker, 0, 20);
            await().atMost(TIMEOUT).until(() -> drops.payloads.size() == 10);
            assertThat(drops.payloads).containsExactlyElementsOf(names(0, 10));
            assertThat(session(broker).queuedBytes()).isEqualTo((long) BOUND_MESSAGES * MESSAGE);
        }
    }

    @Nested
    class InTheStorage extends OnStorage {
        InTheStorage() {
            super("rocksdb");
        }

        @Test
        void theNewestMessagesWithinTheBoundWaitAndTheBoundHoldsAcrossARestart() throws Exception {
            overfill();

            broker.restart();
            assertThat(session(broker).queuedCount()).isEqualTo(BOUND_MESSAGES);
            assertThat(session(broker).queuedBytes()).as("payload sizes read back from the storage's index")
                    .isEqualTo((long) BOUND_MESSAGES * MESSAGE);
            publish(broker, 20, 5);
            await().atMost(TIMEOUT).until(() -> session(broker).queuedCount() == BOUND_MESSAGES
                    && session(broker).queuedBytes() == (long) BOUND_MESSAGES * MESSAGE);

            receive(broker, names(15, 25));
        }

        @Test
        void aMessageLargerThanTheWholeBoundIsDroppedOnArrivalAndTheQueueKept() throws Exception {
            subscribeThenLeave(broker);
            publish(broker, 0, 3);
            Mqtt5AsyncClient pub = client(broker, "byte-pub").toAsync();
            pub.connect().join();
            pub.publishWith().topic("bytes/q").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[11 * 1024]).send().join();
            pub.disconnect().join();

            await().atMost(TIMEOUT).until(() -> broker.node().metrics()
                    .messagesDropped(HookListener.DropReason.QUEUE_FULL) == 1);
            assertThat(session(broker).queuedCount()).isEqualTo(3);
            receive(broker, names(0, 3));
        }
    }

    @Nested
    class OnTheHeap extends OnStorage {
        OnTheHeap() {
            super("memory");
        }

        @Test
        void theSameBoundHoldsWhenTheQueueIsOnTheHeap() throws Exception {
            overfill();
            assertThat(session(broker).queuedOnHeap()).isEqualTo(BOUND_MESSAGES);
            receive(broker, names(10, 20));
        }
    }

    /** The payloads' names of the QUEUE_FULL drops, in the order hooks were told. */
    static final class Drops implements HookListener {
        final List<String> payloads = new CopyOnWriteArrayList<>();

        @Override
        public void onDropped(String clientId, Message message, DropReason reason) {
            if (reason == DropReason.QUEUE_FULL && message.payload().length == MESSAGE) {
                payloads.add(nameOf(message.payload()));
            }
        }
    }

    private static Session session(StarlingExtension broker) {
        return broker.node().services().sessions().get("byte-sub");
    }

    private static void subscribeThenLeave(StarlingExtension broker) {
        Mqtt5BlockingClient sub = client(broker, "byte-sub");
        sub.connectWith().cleanStart(true).sessionExpiryInterval(3600).send();
        sub.subscribeWith().topicFilter("bytes/q").qos(MqttQos.AT_LEAST_ONCE).send();
        sub.disconnect();
        await().atMost(TIMEOUT).until(() -> !session(broker).isOnline());
    }

    /** Publishes 1 KiB QoS 1 messages named m-from .. m-(from+count-1), each acknowledged. */
    private static void publish(StarlingExtension broker, int from, int count) throws Exception {
        Mqtt5AsyncClient pub = client(broker, "byte-pub").toAsync();
        pub.connect().join();
        CompletableFuture<?>[] sent = new CompletableFuture<?>[count];
        for (int i = 0; i < count; i++) {
            sent[i] = pub.publishWith().topic("bytes/q").qos(MqttQos.AT_LEAST_ONCE).payload(payload(from + i)).send();
        }
        CompletableFuture.allOf(sent).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        pub.disconnect().join();
    }

    private static byte[] payload(int n) {
        byte[] p = new byte[MESSAGE];
        Arrays.fill(p, (byte) ' ');
        byte[] name = ("m-" + n).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(name, 0, p, 0, name.length);
        return p;
    }

    private static String nameOf(byte[] payload) {
        return new String(payload, StandardCharsets.US_ASCII).trim();
    }

    /** The subscriber comes back and gets exactly these, in order. */
    private static void receive(StarlingExtension broker, List<String> expected) throws Exception {
        Mqtt5BlockingClient again = client(broker, "byte-sub");
        try (Mqtt5BlockingClient.Mqtt5Publishes in = again.publishes(MqttGlobalPublishFilter.ALL)) {
            again.connectWith().cleanStart(false).sessionExpiryInterval(3600).send();
            for (String name : expected) {
                Optional<Mqtt5Publish> p = in.receive(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(p).as("expecting " + name).isPresent();
                assertThat(nameOf(p.get().getPayloadAsBytes())).isEqualTo(name);
            }
            assertThat(in.receive(300, TimeUnit.MILLISECONDS)).as("nothing beyond the bound").isEmpty();
        }
        again.disconnect();
    }

    private static List<String> names(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "m-" + i).toList();
    }

    private static Mqtt5BlockingClient client(StarlingExtension broker, String id) {
        return Mqtt5Client.builder().identifier(id).serverHost(broker.host()).serverPort(broker.port())
                .buildBlocking();
    }
}
