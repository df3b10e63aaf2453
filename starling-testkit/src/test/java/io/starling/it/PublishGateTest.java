package io.starling.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import io.starling.codec.MqttProperties;
import io.starling.codec.MqttVersion;
import io.starling.codec.PacketType;
import io.starling.codec.ReasonCode;
import io.starling.codec.packet.AckPacket;
import io.starling.codec.packet.ConnectPacket;
import io.starling.codec.packet.PublishPacket;
import io.starling.codec.packet.Will;
import io.starling.testkit.RawClient;
import io.starling.testkit.StarlingExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every message enters through one gate (issue 23, items 2, 3, 5 and 13): a will is authorized at CONNECT and
 * again, after the publish hooks, when it fires; its expiry counts from when it is published; a QoS 2 PUBLISH
 * refused with PUBREC 0x97 leaves its packet id free; retained messages and delayed messages have quotas.
 */
class PublishGateTest {

    @RegisterExtension
    static final StarlingExtension BROKER = StarlingExtension.create(b -> b.config("""
            authorization.rules = [{permission = deny, action = publish, topic = "forbidden/#"}]
            modules.rewrite {
              enabled = true
              rules = [
                {action = publish, source = "renamed/#", re = "^renamed/(.+)$", dest = "forbidden/$1"},
                {action = publish, source = "moved/#", re = "^moved/(.+)$", dest = "arrived/$1"}
              ]
            }
            modules.delayed.max_per_client = 1
            mqtt.max_retained_messages = 2
            mqtt.max_retained_payload_size = 100
            """));

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Mqtt5BlockingClient v5(String clientId) {
        Mqtt5BlockingClient c = Mqtt5Client.builder().identifier(clientId).serverHost(BROKER.host())
                .serverPort(BROKER.port()).buildBlocking();
        c.connect();
        return c;
    }

    private static Optional<Mqtt5Publish> next(Mqtt5BlockingClient.Mqtt5Publishes in, Duration timeout) {
        try {
            return in.receive(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void mqtt5WillToAForbiddenTopicIsRefusedAtConnect() {
        Mqtt5BlockingClient client = Mqtt5Client.builder().identifier(id("will5")).serverHost(BROKER.host())
                .serverPort(BROKER.port()).willPublish().topic("forbidden/brokers/fake").payload(new byte[] {1})
                .retain(true).applyWillPublish().buildBlocking();
        assertThatThrownBy(client::connect).isInstanceOfSatisfying(Mqtt5ConnAckException.class,
                e -> assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED));
        assertThat(BROKER.node().services().retained().entry("forbidden/brokers/fake")).isEmpty();
    }

    @Test
    void mqtt311WillToAForbiddenTopicIsRefusedAtConnect() {
        Mqtt3BlockingClient client = Mqtt3Client.builder().identifier(id("will3")).serverHost(BROKER.host())
                .serverPort(BROKER.port()).willPublish().topic("forbidden/x").payload(new byte[] {1})
                .applyWillPublish().buildBlocking();
        assertThatThrownBy(client::connect).isInstanceOfSatisfying(Mqtt3ConnAckException.class,
                e -> assertThat(e.getMqttMessage().getReturnCode()).isEqualTo(Mqtt3ConnAckReturnCode.NOT_AUTHORIZED));
    }

    @Test
    void aWillPassesThePublishHooksAndIsAuthorizedOnWhatTheyMake() {
        Mqtt5BlockingClient watcher = v5(id("watcher"));
        try (Mqtt5BlockingClient.Mqtt5Publishes in = watcher.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL)) {
            watcher.subscribeWith().topicFilter("forbidden/#").send();
            watcher.subscribeWith().topicFilter("arrived/#").send();
            String a = id("a");
            String b = id("b");
            // renamed/... is allowed at CONNECT, but the rewrite hook makes it forbidden/...: the gate refuses it.
            RawClient refused = raw(a, "renamed/" + a, MqttProperties.NONE);
            RawClient moved = raw(b, "moved/" + b, MqttProperties.NONE);
            refused.close();
            moved.close();
            Mqtt5Publish will = next(in, TIMEOUT).orElseThrow(() -> new AssertionError("no will arrived"));
            assertThat(will.getTopic().toString()).isEqualTo("arrived/" + b);
            watcher.publishWith().topic("arrived/marker").send();
            assertThat(next(in, TIMEOUT).orElseThrow().getTopic().toString()).isEqualTo("arrived/marker");
        } finally {
            watcher.disconnect();
        }
    }

    @Test
    void aWillsExpiryCountsFromWhenItIsPublished() {
        Mqtt5BlockingClient watcher = v5(id("watcher"));
        String topic = "wills/" + id("exp");
        try (Mqtt5BlockingClient.Mqtt5Publishes in = watcher.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL)) {
            watcher.subscribeWith().topicFilter(topic).send();
            RawClient client = raw(id("exp"), topic, MqttProperties.builder().messageExpiryInterval(1L).build());
            // The client stays longer than its will may live: the interval must count from the publication.
            long start = System.nanoTime();
            await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50))
                    .until(() -> System.nanoTime() - start >= 1_500_000_000L);
            client.close();
            Mqtt5Publish will = next(in, TIMEOUT).orElseThrow(() -> new AssertionError("the will expired at CONNECT"));
            assertThat(will.getMessageExpiryInterval()).hasValue(1L);
        } finally {
            watcher.disconnect();
        }
    }

    private static RawClient raw(String clientId, String willTopic, MqttProperties willProps) {
        Will will = new Will(willTopic, "gone".getBytes(StandardCharsets.UTF_8), 1, false, willProps);
        return Clients.raw(BROKER, new ConnectPacket(MqttVersion.MQTT_5, clientId, true, 60, null, null, will,
                MqttProperties.NONE));
    }

    @Test
    void aQos2PublishRefusedWith0x97LeavesItsPacketIdFree() {
        String topic = "free/" + id("q2");
        Mqtt5BlockingClient watcher = v5(id("watcher"));
        try (Mqtt5BlockingClient.Mqtt5Publishes in = watcher.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL);
                RawClient client = RawClient.connect(BROKER.port(), MqttVersion.MQTT_5, id("q2"))) {
            watcher.subscribeWith().topicFilter(topic).qos(MqttQos.EXACTLY_ONCE).send();
            byte[] payload = "x".getBytes(StandardCharsets.UTF_8);
            // One delayed message per client: the first is taken, the second refused (quota).
            client.send(new PublishPacket(7, "$delayed/600/" + topic, payload, 2, false, false, MqttProperties.NONE));
            assertThat(client.receive(AckPacket.class).reasonCode()).isEqualTo(ReasonCode.SUCCESS);
            client.send(AckPacket.of(PacketType.PUBREL, 7));
            assertThat(client.receive(AckPacket.class).type()).isEqualTo(PacketType.PUBCOMP);
            client.send(new PublishPacket(8, "$delayed/600/" + topic, payload, 2, false, false, MqttProperties.NONE));
            AckPacket refused = client.receive(AckPacket.class);
            assertThat(refused.type()).isEqualTo(PacketType.PUBREC);
            assertThat(refused.reasonCode()).isEqualTo(ReasonCode.QUOTA_EXCEEDED);
            // Packet id 8 is free again [MQTT-4.3.3]: a new message on it is a new message, and is routed.
            client.send(new PublishPacket(8, topic, payload, 2, false, false, MqttProperties.NONE));
            AckPacket pubrec = client.receive(AckPacket.class);
            assertThat(pubrec.type()).isEqualTo(PacketType.PUBREC);
            assertThat(pubrec.reasonCode()).isEqualTo(ReasonCode.SUCCESS);
            assertThat(next(in, TIMEOUT)).as("the message on the reused packet id").isPresent();
        } finally {
            watcher.disconnect();
        }
    }

    @Test
    void retainedMessagesHaveAQuota() {
        long droppedBefore = BROKER.node().metrics().messagesDropped(
                io.starling.api.hook.HookListener.DropReason.QUOTA_EXCEEDED);
        Mqtt5BlockingClient client = v5(id("retainer"));
        try {
            String base = "kept/" + id("r") + "/";
            client.publishWith().topic(base + "1").payload(new byte[] {1}).retain(true).qos(MqttQos.AT_LEAST_ONCE).send();
            client.publishWith().topic(base + "2").payload(new byte[] {2}).retain(true).qos(MqttQos.AT_LEAST_ONCE).send();
            // A third topic is over mqtt.max_retained_messages = 2.
            assertThatThrownBy(() -> client.publishWith().topic(base + "3").payload(new byte[] {3}).retain(true)
                    .qos(MqttQos.AT_LEAST_ONCE).send())
                    .isInstanceOfSatisfying(Mqtt5PubAckException.class, e -> assertThat(
                            e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.QUOTA_EXCEEDED));
            assertThat(BROKER.node().services().retained().entry(base + "3")).isEmpty();
            // Replacing one that is there is not a new one; clearing one is always allowed.
            client.publishWith().topic(base + "1").payload(new byte[] {4}).retain(true).qos(MqttQos.AT_LEAST_ONCE).send();
            // A payload over mqtt.max_retained_payload_size = 100.
            assertThatThrownBy(() -> client.publishWith().topic(base + "2").payload(new byte[101]).retain(true)
                    .qos(MqttQos.AT_LEAST_ONCE).send())
                    .isInstanceOfSatisfying(Mqtt5PubAckException.class, e -> assertThat(
                            e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.QUOTA_EXCEEDED));
            client.publishWith().topic(base + "2").payload(new byte[0]).retain(true).qos(MqttQos.AT_LEAST_ONCE).send();
            client.publishWith().topic(base + "3").payload(new byte[] {3}).retain(true).qos(MqttQos.AT_LEAST_ONCE).send();
            assertThat(BROKER.node().services().retained().entry(base + "3")).isPresent();
            assertThat(BROKER.node().metrics().messagesDropped(
                    io.starling.api.hook.HookListener.DropReason.QUOTA_EXCEEDED)).isEqualTo(droppedBefore + 2);
            client.publishWith().topic(base + "1").payload(new byte[0]).retain(true).qos(MqttQos.AT_LEAST_ONCE).send();
            client.publishWith().topic(base + "3").payload(new byte[0]).retain(true).qos(MqttQos.AT_LEAST_ONCE).send();
        } finally {
            client.disconnect();
        }
    }

    @Test
    void aDelayedRetainedMessageIsHeldToTheRetainedQuota() {
        Mqtt5BlockingClient client = v5(id("delayed-retainer"));
        try {
            // Over mqtt.max_retained_payload_size = 100: refused when it is published, not stored when it is due.
            assertThatThrownBy(() -> client.publishWith().topic("$delayed/0/kept/" + id("late")).payload(new byte[101])
                    .retain(true).qos(MqttQos.AT_LEAST_ONCE).send())
                    .isInstanceOfSatisfying(Mqtt5PubAckException.class, e -> assertThat(
                            e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.QUOTA_EXCEEDED));
        } finally {
            client.disconnect();
        }
    }

    @Test
    void delayedMessagesHaveAQuotaPerClient() {
        Mqtt5BlockingClient first = v5(id("delay1"));
        Mqtt5BlockingClient second = v5(id("delay2"));
        try {
            String topic = "$delayed/600/later/" + id("d");
            first.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).send();
            assertThatThrownBy(() -> first.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).send())
                    .isInstanceOfSatisfying(Mqtt5PubAckException.class, e -> assertThat(
                            e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.QUOTA_EXCEEDED));
            // Another client has a quota of its own.
            second.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).send();
        } finally {
            first.disconnect();
            second.disconnect();
        }
    }
}
