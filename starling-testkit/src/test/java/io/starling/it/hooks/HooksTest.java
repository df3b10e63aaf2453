package io.starling.it.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.starling.api.ClientInfo;
import io.starling.api.Message;
import io.starling.api.hook.ConnectInterceptor;
import io.starling.api.hook.ConnectVerdict;
import io.starling.api.hook.HookListener;
import io.starling.api.hook.HookOptions;
import io.starling.api.hook.PublishInterceptor;
import io.starling.api.hook.SubscribeInterceptor;
import io.starling.broker.hook.Hooks;
import io.starling.codec.MqttProperties;
import io.starling.codec.MqttVersion;
import io.starling.codec.ReasonCode;
import io.starling.codec.packet.ConnAckPacket;
import io.starling.codec.packet.ConnectPacket;
import io.starling.codec.packet.MqttPacket;
import io.starling.codec.packet.PublishPacket;
import io.starling.codec.packet.SubAckPacket;
import io.starling.codec.packet.SubscribePacket;
import io.starling.codec.packet.TopicSubscription;
import io.starling.testkit.RawClient;
import io.starling.testkit.StarlingExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Hooks with real clients: each point, priorities, and hooks that throw or are slow without breaking delivery. */
class HooksTest {
    @RegisterExtension
    final StarlingExtension broker = StarlingExtension.create(b -> b.storageType("memory"));

    private Hooks hooks() {
        return broker.node().services().hooks();
    }

    private RawClient subscriber(String id, String filter, int qos) {
        RawClient c = RawClient.connect(broker.port(), MqttVersion.MQTT_5, id);
        c.send(new SubscribePacket(1, List.of(TopicSubscription.of(filter, qos)), MqttProperties.NONE));
        c.receive(SubAckPacket.class);
        return c;
    }

    private static PublishPacket publish(String topic, String payload, int qos) {
        return new PublishPacket(qos == 0 ? 0 : 9, topic, payload.getBytes(StandardCharsets.UTF_8), qos, false, false,
                MqttProperties.NONE);
    }

    private static String text(PublishPacket p) {
        return new String(p.payload(), StandardCharsets.UTF_8);
    }

    @Test
    void publishInterceptorsRunInPriorityOrderAndMayChangeOrStopAMessage() {
        hooks().add((PublishInterceptor) (c, m) -> withPayload(m, body(m) + "-second"), HookOptions.priority(20));
        hooks().add((PublishInterceptor) (c, m) -> withPayload(m, body(m) + "-first"), HookOptions.priority(10));
        hooks().add((PublishInterceptor) (c, m) -> m.topic().startsWith("hooks/drop") ? null : m,
                HookOptions.priority(5));
        try (RawClient sub = subscriber("order-sub", "hooks/#", 0);
             RawClient pub = RawClient.connect(broker.port(), MqttVersion.MQTT_5, "order-pub")) {
            pub.send(publish("hooks/drop", "gone", 1));
            assertThat(pub.receive()).isInstanceOf(io.starling.codec.packet.AckPacket.class);
            pub.send(publish("hooks/keep", "m", 0));
            assertThat(text(sub.receive(PublishPacket.class))).isEqualTo("m-first-second");
            assertThat(sub.poll(Duration.ofMillis(200))).as("the stopped message went nowhere").isNull();
        }
        assertThat(broker.node().metrics().messagesDropped(HookListener.DropReason.STOPPED_BY_HOOK)).isEqualTo(1);
    }

    @Test
    void aThrowingListenerAndASlowBlockingInterceptorDoNotBreakDelivery() {
        hooks().add(new HookListener() {
            @Override
            public void onPublish(ClientInfo client, Message message) {
                throw new IllegalStateException("a broken plugin");
            }
        }, HookOptions.defaults());
        hooks().add((PublishInterceptor) (c, m) -> {
            Thread.sleep(3000);
            return withPayload(m, "too late");
        }, HookOptions.defaults().withTimeout(Duration.ofMillis(200)).asBlocking());
        try (RawClient sub = subscriber("slow-sub", "hooks/slow", 1);
             RawClient pub = RawClient.connect(broker.port(), MqttVersion.MQTT_5, "slow-pub")) {
            for (int i = 0; i < 3; i++) {
                pub.send(publish("hooks/slow", "m" + i, 0));
            }
            for (int i = 0; i < 3; i++) {
                assertThat(text(sub.receive(PublishPacket.class))).as("unchanged, in order").isEqualTo("m" + i);
            }
        }
        assertThat(hooks().failures()).isEqualTo(3);
        assertThat(hooks().timeouts()).isEqualTo(3);
    }

    @Test
    void aNonBlockingHookThatOverrunsItsTimeIsCountedAndDeliveryGoesOn() {
        hooks().add(new HookListener() {
            @Override
            public void onPublish(ClientInfo client, Message message) {
                try {
                    Thread.sleep(3); // what a hook on a network thread must never do
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, HookOptions.defaults().withTimeout(Duration.ofMillis(1)));
        try (RawClient sub = subscriber("overrun-sub", "hooks/overrun", 0);
             RawClient pub = RawClient.connect(broker.port(), MqttVersion.MQTT_5, "overrun-pub")) {
            // One call in 16 is timed, at random: 200 publishes miss every one with odds of (15/16)^200.
            for (int i = 0; i < 200; i++) {
                pub.send(publish("hooks/overrun", "late but there", 0));
            }
            for (int i = 0; i < 200; i++) {
                assertThat(text(sub.receive(PublishPacket.class))).isEqualTo("late but there");
            }
        }
        assertThat(hooks().timeouts()).as("sampled overruns").isBetween(1L, 200L);
    }

    @Test
    void aConnectInterceptorMayRefuseAndOneThatFailsRefusesToo() {
        hooks().add((ConnectInterceptor) c -> c.clientId().startsWith("banned")
                ? ConnectVerdict.refuse(ReasonCode.BANNED, "on the ban list") : ConnectVerdict.ALLOW,
                HookOptions.defaults().asBlocking());
        assertThat(connack("banned-1", MqttVersion.MQTT_5)).isEqualTo(ReasonCode.BANNED);
        assertThat(connack("banned-2", MqttVersion.MQTT_3_1_1)).as("3.1.1: not authorized").isEqualTo(5);
        assertThat(connack("welcome", MqttVersion.MQTT_5)).isZero();
        hooks().add((ConnectInterceptor) c -> {
            throw new IllegalStateException("backend down");
        }, HookOptions.defaults());
        assertThat(connack("welcome", MqttVersion.MQTT_5)).as("fail closed").isEqualTo(ReasonCode.UNSPECIFIED_ERROR);
    }

    private int connack(String id, MqttVersion version) {
        try (RawClient c = RawClient.open(broker.port(), version)) {
            c.send(new ConnectPacket(version, id, true, 60, null, null, null, MqttProperties.NONE));
            return c.receive(ConnAckPacket.class).reasonCode();
        }
    }

    @Test
    void aSubscribeInterceptorMayChangeTheQosOrRefuseAFilter() {
        hooks().add((SubscribeInterceptor) (c, r) -> r.topicFilter().startsWith("forbidden/") ? r.refuse(0x87)
                : r.withQos(Math.min(r.qos(), 1)), HookOptions.defaults());
        try (RawClient c = RawClient.connect(broker.port(), MqttVersion.MQTT_5, "sub-hook")) {
            c.send(new SubscribePacket(1, List.of(TopicSubscription.of("allowed/x", 2),
                    TopicSubscription.of("forbidden/x", 1)), MqttProperties.NONE));
            assertThat(c.receive(SubAckPacket.class).reasonCodes()).containsExactly(1, 0x87);
        }
    }

    @Test
    void lifecycleHooksSeeConnackSessionsAndDisconnects() {
        List<String> events = new CopyOnWriteArrayList<>();
        hooks().add(new HookListener() {
            @Override
            public void onConnack(ClientInfo client, int reasonCode) {
                events.add("connack " + client.clientId() + " " + reasonCode);
            }

            @Override
            public void onSessionCreated(ClientInfo client) {
                events.add("created " + client.clientId());
            }

            @Override
            public void onSessionResumed(ClientInfo client) {
                events.add("resumed " + client.clientId());
            }

            @Override
            public void onSessionTerminated(String clientId, String reason) {
                events.add("terminated " + clientId + " " + reason);
            }

            @Override
            public void onDisconnected(ClientInfo client, String reason) {
                events.add("disconnected " + client.clientId());
            }
        }, HookOptions.defaults()); // on the network thread: the events of one client come in order
        MqttProperties keep = MqttProperties.builder().sessionExpiryInterval(60L).build();
        for (int i = 0; i < 2; i++) {
            try (RawClient c = RawClient.open(broker.port(), MqttVersion.MQTT_5)) {
                c.send(new ConnectPacket(MqttVersion.MQTT_5, "life", false, 60, null, null, null, keep));
                c.receive(ConnAckPacket.class);
            }
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> events.contains("disconnected life"));
            events.remove("disconnected life");
        }
        try (RawClient c = RawClient.connect(broker.port(), MqttVersion.MQTT_5, "life")) {
            MqttPacket ignored = c.poll(Duration.ofMillis(50));
            assertThat(ignored).isNull();
        }
        Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(events).containsSubsequence(
                "created life", "connack life 0", "resumed life", "connack life 0", "terminated life clean_start",
                "created life", "connack life 0", "terminated life closed"));
    }

    private static String body(Message m) {
        return new String(m.payload(), StandardCharsets.UTF_8);
    }

    private static Message withPayload(Message m, String payload) {
        return new Message(m.topic(), payload.getBytes(StandardCharsets.UTF_8), m.qos(), m.retain(), m.properties(),
                m.publisherId(), m.createdAtMillis());
    }
}
