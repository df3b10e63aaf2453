package io.starling.stomp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.starling.api.hook.HookListener.DropReason;
import io.starling.stomp.frame.StompFrame;
import io.starling.testkit.StarlingExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A committed transaction's SENDs meet the publisher pause as SENDs read one by one do: 60 messages committed at
 * once for a subscriber that takes nothing yet (queue bound 20, so the pause starts at 10) wait behind the pause
 * instead of overrunning the queue, and all arrive, none dropped, once the subscriber takes them; the COMMIT's
 * receipt comes after the last.
 */
class StompCommitFlowControlTest {
    private static final int SENT = 60;

    @RegisterExtension
    final StarlingExtension broker = StompNodes.node("""
            mqtt.max_queued_messages = 20
            mqtt.max_publisher_pause = 60s
            mqtt.max_inflight = 1
            """);

    @Test
    void aCommittedTransactionWaitsForASlowSubscriberInsteadOfOverrunningItsQueue() {
        List<String> got = new CopyOnWriteArrayList<>();
        Queue<Mqtt5Publish> unacknowledged = new ArrayDeque<>();
        AtomicBoolean taking = new AtomicBoolean();
        Mqtt5AsyncClient sub = Mqtt5Client.builder().identifier("slow-sub").serverHost("127.0.0.1")
                .serverPort(broker.port()).buildAsync();
        sub.publishes(MqttGlobalPublishFilter.ALL, p -> {
            got.add(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8));
            synchronized (unacknowledged) {
                if (taking.get()) {
                    p.acknowledge();
                } else {
                    unacknowledged.add(p);
                }
            }
        }, true);
        sub.connect().join();
        sub.subscribeWith().topicFilter("tx/q").qos(MqttQos.AT_LEAST_ONCE).send().join();

        try (RawStomp pub = new RawStomp(StompNodes.stompPort(broker.node()))) {
            pub.connect("");
            StringBuilder frames = new StringBuilder("BEGIN\ntransaction:t1\n\n^@");
            for (int i = 0; i < SENT; i++) {
                frames.append("SEND\ndestination:/topic/tx.q\nqos:1\ntransaction:t1\n\nm-").append(i).append("^@");
            }
            pub.write(frames.append("COMMIT\ntransaction:t1\nreceipt:c1\n\n^@").toString());

            var session = broker.node().services().sessions().get("slow-sub");
            // The pause starts when ten wait (queued, or still in the hand-off to the subscriber's thread); one of
            // them may be the message in flight by the time they settle.
            await().atMost(Duration.ofSeconds(10)).until(() -> session.queuedCount() + session.inflightCount() >= 10);
            assertThat(pub.poll(300)).as("no receipt while the rest of the transaction waits").isNull();
            assertThat(session.queuedCount()).as("held back at the pause, not run into the queue bound")
                    .isLessThan(20);

            synchronized (unacknowledged) {
                taking.set(true);
                unacknowledged.forEach(Mqtt5Publish::acknowledge);
            }
            StompFrame receipt = pub.read();
            assertThat(receipt.command()).isEqualTo("RECEIPT");
            assertThat(receipt.header("receipt-id")).isEqualTo("c1");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == SENT);
        assertThat(got).containsExactlyElementsOf(java.util.stream.IntStream.range(0, SENT)
                .mapToObj(i -> "m-" + i).toList());
        assertThat(broker.node().metrics().messagesDropped(DropReason.QUEUE_FULL)).isZero();
        sub.disconnect().join();
    }
}
