package io.starling.it.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.starling.codec.MqttProperties;
import io.starling.codec.MqttVersion;
import io.starling.codec.PacketType;
import io.starling.codec.packet.AckPacket;
import io.starling.codec.packet.ConnAckPacket;
import io.starling.codec.packet.ConnectPacket;
import io.starling.codec.packet.PingReqPacket;
import io.starling.codec.packet.PingRespPacket;
import io.starling.codec.packet.PublishPacket;
import io.starling.codec.packet.SubAckPacket;
import io.starling.codec.packet.SubscribePacket;
import io.starling.codec.packet.TopicSubscription;
import io.starling.testkit.RawClient;
import io.starling.testkit.StarlingExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the RocksDB storage keeps across a restart of the node on the same data directory: sessions with their
 * subscriptions, queued and in-flight messages with their packet ids and QoS 2 phase, inbound QoS 2 ids, retained
 * messages with their properties; and what it removes: expired sessions, cleared retained messages.
 */
class DurableStateTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @RegisterExtension
    final StarlingExtension broker = StarlingExtension.create(b -> b.storageType("rocksdb"));

    private Mqtt5BlockingClient v5(String id) {
        return Mqtt5Client.builder().identifier(id).serverHost(broker.host()).serverPort(broker.port())
                .buildBlocking();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void queuedMessagesAndSubscriptionsSurviveARestart() {
        Mqtt5BlockingClient sub = v5("durable-sub");
        sub.connectWith().cleanStart(true).sessionExpiryInterval(3600).send();
        sub.subscribeWith().topicFilter("durable/q1/#").qos(MqttQos.AT_LEAST_ONCE).send();
        sub.subscribeWith().topicFilter("durable/q2").qos(MqttQos.EXACTLY_ONCE).send();
        sub.disconnect();

        Mqtt5BlockingClient pub = v5("durable-pub");
        pub.connect();
        for (int i = 0; i < 50; i++) {
            pub.publishWith().topic("durable/q1/" + i).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("one-" + i)).send();
        }
        for (int i = 0; i < 10; i++) {
            pub.publishWith().topic("durable/q2").qos(MqttQos.EXACTLY_ONCE).payload(bytes("two-" + i)).send();
        }
        pub.disconnect();

        broker.restart();

        Mqtt5BlockingClient again = v5("durable-sub");
        try (Mqtt5BlockingClient.Mqtt5Publishes in = again.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL)) {
            var ack = again.connectWith().cleanStart(false).sessionExpiryInterval(3600).send();
            assertThat(ack.isSessionPresent()).isTrue();
            List<String> q1 = new ArrayList<>();
            List<String> q2 = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                Mqtt5Publish p = receive(in);
                (p.getQos() == MqttQos.EXACTLY_ONCE ? q2 : q1).add(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8));
            }
            assertThat(q1).hasSize(50).first().isEqualTo("one-0");
            assertThat(q1).last().isEqualTo("one-49");
            assertThat(q2).containsExactly("two-0", "two-1", "two-2", "two-3", "two-4", "two-5", "two-6", "two-7",
                    "two-8", "two-9");
            // The subscriptions came back too: a new message is routed to the restored session.
            Mqtt5BlockingClient pub2 = v5("durable-pub");
            pub2.connect();
            pub2.publishWith().topic("durable/q2").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("live")).send();
            assertThat(new String(receive(in).getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("live");
            pub2.disconnect();
        }
        again.disconnect();
    }

    @Test
    void anOfflineDurableSessionKeepsItsQueueInTheStorageNotOnTheHeap() {
        Mqtt5BlockingClient sub = v5("ondisk-sub");
        sub.connectWith().cleanStart(true).sessionExpiryInterval(3600).send();
        sub.subscribeWith().topicFilter("durable/ondisk").qos(MqttQos.AT_LEAST_ONCE).send();
        sub.disconnect();
        await().atMost(TIMEOUT).until(() -> !broker.node().services().sessions().get("ondisk-sub").isOnline());

        Mqtt5BlockingClient pub = v5("ondisk-pub");
        pub.connect();
        for (int i = 0; i < 500; i++) {
            pub.publishWith().topic("durable/ondisk").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("m-" + i)).send();
        }
        pub.disconnect();
        var session = broker.node().services().sessions().get("ondisk-sub");
        assertThat(session.queuedCount()).isEqualTo(500);
        assertThat(session.queuedOnHeap()).isZero();

        Mqtt5BlockingClient again = v5("ondisk-sub");
        try (Mqtt5BlockingClient.Mqtt5Publishes in = again.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL)) {
            again.connectWith().cleanStart(false).sessionExpiryInterval(3600).send();
            for (int i = 0; i < 500; i++) {
                assertThat(new String(receive(in).getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("m-" + i);
            }
        }
        await().atMost(TIMEOUT).until(() -> session.queuedCount() == 0 && session.inflightCount() == 0);
        again.disconnect();
    }

    @Test
    void publishersOnSeveralThreadsFeedingAnOnlineDurableSessionLoseNothingWhenItsBacklogGoesToTheStorage()
            throws Exception {
        java.util.Set<String> received = java.util.concurrent.ConcurrentHashMap.newKeySet();
        com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient sub = Mqtt5Client.builder().identifier("backlog-sub")
                .serverHost(broker.host()).serverPort(broker.port()).buildAsync();
        sub.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL,
                p -> received.add(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)));
        sub.connectWith().cleanStart(true).sessionExpiryInterval(3600).send().join();
        sub.subscribeWith().topicFilter("durable/backlog/#").qos(MqttQos.AT_LEAST_ONCE).send().join();
        List<java.util.concurrent.CompletableFuture<?>> sent = new ArrayList<>();
        for (int p = 0; p < 8; p++) {
            com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient pub = Mqtt5Client.builder().identifier("backlog-pub-" + p)
                    .serverHost(broker.host()).serverPort(broker.port()).buildAsync();
            pub.connect().join();
            for (int i = 0; i < 500; i++) {
                sent.add(pub.publishWith().topic("durable/backlog/" + p).qos(MqttQos.AT_LEAST_ONCE)
                        .payload(bytes(p + "-" + i)).send());
            }
        }
        java.util.concurrent.CompletableFuture.allOf(sent.toArray(new java.util.concurrent.CompletableFuture<?>[0]))
                .get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(30)).until(() -> received.size() == 4000);
        assertThat(broker.node().metrics().messagesDropped()).isZero();
        sub.disconnect().join();
    }

    @Test
    void aWillPendingWhenTheNodeStopsGoesOutAfterItsDelayOnceTheNodeIsBack() {
        Mqtt5BlockingClient client = v5("will-client");
        client.connectWith().cleanStart(true).sessionExpiryInterval(600)
                .willPublish().topic("durable/will").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("gone"))
                .delayInterval(3).applyWillPublish().send();
        broker.restart(); // the client never comes back

        Mqtt5BlockingClient watcher = v5("will-watcher");
        watcher.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes in = watcher.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL)) {
            watcher.subscribeWith().topicFilter("durable/will").qos(MqttQos.AT_LEAST_ONCE).send();
            assertThat(new String(receive(in).getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("gone");
        }
        watcher.disconnect();
    }

    @Test
    void retainedMessagesSurviveARestartWithTheirPropertiesAndClearedOnesStayCleared() {
        Mqtt5BlockingClient pub = v5("retain-pub");
        pub.connect();
        pub.publishWith().topic("durable/retained/a").retain(true).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("A"))
                .contentType("text/plain").userProperties().add("k", "v").applyUserProperties()
                .messageExpiryInterval(3600).send();
        pub.publishWith().topic("durable/retained/b").retain(true).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("B"))
                .send();
        pub.publishWith().topic("durable/retained/b").retain(true).qos(MqttQos.AT_LEAST_ONCE).payload(new byte[0])
                .send();
        pub.disconnect();

        broker.restart();
        assertThat(broker.node().services().retained().size()).isEqualTo(1);

        Mqtt5BlockingClient sub = v5("retain-sub");
        sub.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes in = sub.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("durable/retained/#").qos(MqttQos.AT_LEAST_ONCE).send();
            Mqtt5Publish p = receive(in);
            assertThat(p.getTopic().toString()).isEqualTo("durable/retained/a");
            assertThat(p.isRetain()).isTrue();
            assertThat(p.getContentType()).hasValueSatisfying(c -> assertThat(c.toString()).isEqualTo("text/plain"));
            assertThat(p.getUserProperties().asList()).hasSize(1);
            assertThat(p.getMessageExpiryInterval().getAsLong()).isBetween(3500L, 3600L);
            assertThat(in.receive(300, TimeUnit.MILLISECONDS)).isEmpty();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        sub.disconnect();
    }

    @Test
    void aQos2MessageWhosePubrecWasStoredGetsPubrelNotAnotherPublishAfterARestart() {
        try (RawClient sub = connect("phase-sub")) {
            sub.send(new SubscribePacket(1, List.of(TopicSubscription.of("durable/phase", 2)), MqttProperties.NONE));
            sub.receive(SubAckPacket.class);
            publishQos2("durable/phase", "once");
            PublishPacket p = sub.receive(PublishPacket.class);
            assertThat(p.qos()).isEqualTo(2);
            sub.send(AckPacket.of(PacketType.PUBREC, p.packetId()));
            AckPacket pubrel = sub.receive(AckPacket.class);
            assertThat(pubrel.type()).isEqualTo(PacketType.PUBREL);
            // No PUBCOMP: the exchange is left half done when the node goes down.
            broker.restart();
            try (RawClient again = connect("phase-sub")) {
                AckPacket resent = again.receive(AckPacket.class);
                assertThat(resent.type()).isEqualTo(PacketType.PUBREL);
                assertThat(resent.packetId()).isEqualTo(p.packetId());
                again.send(AckPacket.of(PacketType.PUBCOMP, p.packetId()));
                assertThat(again.poll(Duration.ofMillis(300))).isNull();
            }
        }
        broker.restart();
        try (RawClient third = connect("phase-sub")) {
            assertThat(third.poll(Duration.ofMillis(300))).as("the completed exchange is not stored any more").isNull();
        }
    }

    @Test
    void anInboundQos2PacketIdAwaitingPubrelSurvivesARestartSoTheResentPublishIsNotRoutedTwice() {
        try (RawClient sub = connect("inbound-sub")) {
            sub.send(new SubscribePacket(1, List.of(TopicSubscription.of("durable/inbound", 1)), MqttProperties.NONE));
            sub.receive(SubAckPacket.class);

            try (RawClient pub = connect("inbound-pub")) {
                pub.send(new PublishPacket(7, "durable/inbound", bytes("exactly"), 2, false, false, MqttProperties.NONE));
                assertThat(pub.receive(AckPacket.class).type()).isEqualTo(PacketType.PUBREC);
            }
            PublishPacket first = sub.receive(PublishPacket.class);
            assertThat(new String(first.payload(), StandardCharsets.UTF_8)).isEqualTo("exactly");
            sub.send(AckPacket.of(PacketType.PUBACK, first.packetId()));
            // Packets are handled in order: the PINGRESP shows the PUBACK was taken before the restart.
            sub.send(PingReqPacket.INSTANCE);
            sub.receive(PingRespPacket.class);
        }
        broker.restart();
        try (RawClient sub = connect("inbound-sub");
                RawClient pub = connect("inbound-pub")) {
            // Subscribed again (a no-op for the restored session) so that a second routing would show.
            sub.send(new SubscribePacket(2, List.of(TopicSubscription.of("durable/inbound", 1)), MqttProperties.NONE));
            sub.receive(SubAckPacket.class);
            // The publisher had not sent PUBREL: it resends the PUBLISH with DUP set.
            pub.send(new PublishPacket(7, "durable/inbound", bytes("exactly"), 2, false, true, MqttProperties.NONE));
            assertThat(pub.receive(AckPacket.class).type()).isEqualTo(PacketType.PUBREC);
            pub.send(AckPacket.of(PacketType.PUBREL, 7));
            AckPacket pubcomp = pub.receive(AckPacket.class);
            assertThat(pubcomp.type()).isEqualTo(PacketType.PUBCOMP);
            assertThat(sub.poll(Duration.ofMillis(300))).as("routed once, before the restart").isNull();
        }
    }

    @Test
    void aSessionThatExpiresIsRemovedFromTheStorage() {
        Mqtt5BlockingClient c = v5("expiring");
        c.connectWith().cleanStart(true).sessionExpiryInterval(1).send();
        c.subscribeWith().topicFilter("durable/expiring").qos(MqttQos.AT_LEAST_ONCE).send();
        c.disconnect();
        broker.restart();
        assertThat(broker.node().services().sessions().get("expiring")).isNotNull();
        await().atMost(TIMEOUT).until(() -> broker.node().services().sessions().get("expiring") == null);
        broker.restart();
        assertThat(broker.node().services().sessions().get("expiring")).as("removed from the storage").isNull();
    }

    @Test
    void aCleanSessionLeavesNothingInTheStorage() {
        Mqtt5BlockingClient c = v5("transient");
        c.connectWith().cleanStart(true).sessionExpiryInterval(0).send();
        c.subscribeWith().topicFilter("durable/transient").qos(MqttQos.AT_LEAST_ONCE).send();
        c.disconnect();
        Mqtt5BlockingClient d = v5("was-durable");
        d.connectWith().cleanStart(true).sessionExpiryInterval(600).send();
        d.disconnect();
        // Reconnecting with expiry 0 ends its durability: the stored session goes.
        d.connectWith().cleanStart(false).sessionExpiryInterval(0).send();
        d.disconnect();
        broker.restart();
        assertThat(broker.node().services().sessions().size()).isZero();
    }

    /** A MQTT 3.1.1 client with a persistent session (clean session 0). */
    private RawClient connect(String clientId) {
        RawClient c = RawClient.open(broker.port(), MqttVersion.MQTT_3_1_1);
        c.send(new ConnectPacket(MqttVersion.MQTT_3_1_1, clientId, false, 60, null, null, null,
                MqttProperties.NONE));
        ConnAckPacket ack = c.receive(ConnAckPacket.class);
        assertThat(ack.reasonCode()).isZero();
        return c;
    }

    private void publishQos2(String topic, String payload) {
        Mqtt5BlockingClient pub = v5("qos2-pub-" + System.nanoTime());
        pub.connect();
        pub.publishWith().topic(topic).qos(MqttQos.EXACTLY_ONCE).payload(bytes(payload)).send();
        pub.disconnect();
    }

    private static Mqtt5Publish receive(Mqtt5BlockingClient.Mqtt5Publishes in) {
        try {
            Optional<Mqtt5Publish> p = in.receive(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return p.orElseThrow(() -> new AssertionError("no message within " + TIMEOUT));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
