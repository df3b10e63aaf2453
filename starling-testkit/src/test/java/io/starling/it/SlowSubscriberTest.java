package io.starling.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.starling.api.hook.HookListener.DropReason;
import io.starling.codec.MqttProperties;
import io.starling.codec.MqttVersion;
import io.starling.codec.packet.SubAckPacket;
import io.starling.codec.packet.SubscribePacket;
import io.starling.codec.packet.TopicSubscription;
import io.starling.testkit.RawClient;
import io.starling.testkit.StarlingExtension;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Several clients on one topic: a subscriber that never reads its socket and never acknowledges does not hold
 * back the publisher or the other subscribers; what it cannot take beyond its bounded queue is dropped and
 * counted.
 */
class SlowSubscriberTest {

    @RegisterExtension
    static final StarlingExtension BROKER = StarlingExtension.create(b -> b.config("mqtt.max_queued_messages = 100"));

    /** Messages in flight at once from the publisher; well below the 100 a session may queue. */
    private static final int BATCH = 50;

    private static byte[] payload(int i, int size) {
        ByteBuffer b = ByteBuffer.allocate(size);
        b.putInt(i);
        return b.array();
    }

    /** A raw subscriber that, after SUBACK, never reads again and so never acknowledges anything. */
    private static RawClient stalledSubscriber(MqttVersion version, String topic, int qos) {
        RawClient raw = RawClient.connect(BROKER.port(), version, Clients.id("stalled"));
        raw.send(new SubscribePacket(1, List.of(TopicSubscription.of(topic, qos)), MqttProperties.NONE));
        raw.receive(SubAckPacket.class);
        return raw;
    }

    /**
     * Publishes {@code count} messages in batches and checks that the healthy subscriber gets each one, in order.
     * Batches keep the healthy subscriber's own backlog below its queue bound: the publisher is as fast as the
     * node lets it be, and this test is about the stalled subscriber, not about a publisher outrunning everyone.
     */
    private void publishAndCheckHealthySubscriber(String topic, MqttQos qos, int count, int size) throws Exception {
        Mqtt5BlockingClient healthy = Clients.connectedV5(BROKER, Clients.id("healthy"));
        Mqtt5BlockingClient pub = Clients.connectedV5(BROKER, Clients.id("slow-pub"));
        try (var in = Clients.publishes(healthy)) {
            healthy.subscribeWith().topicFilter(topic).qos(qos).send();
            for (int start = 0; start < count; start += BATCH) {
                int end = Math.min(count, start + BATCH);
                List<CompletableFuture<?>> sent = new ArrayList<>(BATCH);
                for (int i = start; i < end; i++) {
                    sent.add(pub.toAsync().publishWith().topic(topic).qos(qos).payload(payload(i, size)).send());
                }
                for (int i = start; i < end; i++) {
                    Mqtt5Publish p = Clients.receive(in);
                    assertThat(ByteBuffer.wrap(p.getPayloadAsBytes()).getInt()).isEqualTo(i);
                }
                CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0])).get(5, TimeUnit.SECONDS);
            }
        } finally {
            healthy.disconnect();
            pub.disconnect();
        }
    }

    @Test
    void unackedQos1SubscriberDoesNotStopOthers() throws Exception {
        String topic = Clients.topic("slow-qos1");
        long queueFullBefore = BROKER.node().metrics().messagesDropped(DropReason.QUEUE_FULL);
        try (RawClient stalled = stalledSubscriber(MqttVersion.MQTT_5, topic, 1)) {
            publishAndCheckHealthySubscriber(topic, MqttQos.AT_LEAST_ONCE, 1000, 16);
            // 1000 messages against 32 in flight and 100 queued: the rest was given up and counted.
            assertThat(BROKER.node().metrics().messagesDropped(DropReason.QUEUE_FULL) - queueFullBefore)
                    .isGreaterThanOrEqualTo(1000 - 32 - 100);
            assertThat(BROKER.node().metrics().messagesDropped()).isGreaterThan(0);
            // The operator hears of it (the node's first drop is told at once), once rather than a thousand times.
            synchronized (LOG) {
                assertThat(LOG.list).extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                        .filteredOn(l -> l.contains("has a full queue")).hasSizeBetween(1, 3);
            }
        }
    }

    /** What the node logged about its sessions' queues since it started. */
    private static final ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> LOG =
            new ch.qos.logback.core.read.ListAppender<>();

    @org.junit.jupiter.api.BeforeAll
    static void captureQueueWarnings() {
        LOG.start();
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(io.starling.broker.session.DeliveryEvents.class))
                .addAppender(LOG);
    }

    @org.junit.jupiter.api.AfterAll
    static void stopCapturing() {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(io.starling.broker.session.DeliveryEvents.class))
                .detachAppender(LOG);
    }

    @Test
    void unreadQos0SubscriberWithAFullSocketDoesNotStopOthers() throws Exception {
        String topic = Clients.topic("slow-qos0");
        long before = BROKER.node().metrics().messagesDropped();
        try (RawClient stalled = stalledSubscriber(MqttVersion.MQTT_3_1_1, topic, 0)) {
            // 2,000 messages of 8 KiB (16 MB) are more than socket buffers hold: the connection stops being
            // writable, its queue fills, the rest is dropped.
            publishAndCheckHealthySubscriber(topic, MqttQos.AT_MOST_ONCE, 2000, 8192);
            assertThat(BROKER.node().metrics().messagesDropped() - before).isGreaterThan(0);
        }
    }
}
