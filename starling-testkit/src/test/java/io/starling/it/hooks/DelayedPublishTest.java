package io.starling.it.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.starling.codec.MqttProperties;
import io.starling.codec.MqttVersion;
import io.starling.codec.ReasonCode;
import io.starling.codec.packet.AckPacket;
import io.starling.codec.packet.PublishPacket;
import io.starling.codec.packet.SubAckPacket;
import io.starling.codec.packet.SubscribePacket;
import io.starling.codec.packet.TopicSubscription;
import io.starling.testkit.RawClient;
import io.starling.testkit.StarlingExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code $delayed/<seconds>/<topic>}: published later, kept across a restart by the durable storage. */
class DelayedPublishTest {
    @RegisterExtension
    final StarlingExtension broker = StarlingExtension.create(b -> b.config("modules.delayed.max_delay = 1h"));

    private RawClient subscriber(String id, String filter) {
        RawClient c = RawClient.connect(broker.port(), MqttVersion.MQTT_5, id);
        c.send(new SubscribePacket(1, List.of(TopicSubscription.of(filter, 1)), MqttProperties.NONE));
        c.receive(SubAckPacket.class);
        return c;
    }

    private int publish(String topic, String payload) {
        try (RawClient c = RawClient.connect(broker.port(), MqttVersion.MQTT_5, "delayed-pub")) {
            c.send(new PublishPacket(3, topic, payload.getBytes(StandardCharsets.UTF_8), 1, false, false,
                    MqttProperties.NONE));
            return c.receive(AckPacket.class).reasonCode();
        }
    }

    @Test
    void aDelayedMessageIsPublishedToItsTopicLater() {
        try (RawClient sub = subscriber("delayed-sub", "later/#")) {
            long sent = System.nanoTime();
            assertThat(publish("$delayed/1/later/x", "after a second")).isZero();
            PublishPacket p = sub.receive(PublishPacket.class, Duration.ofSeconds(10));
            assertThat(Duration.ofNanos(System.nanoTime() - sent)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
            assertThat(p.topic()).isEqualTo("later/x");
            assertThat(new String(p.payload(), StandardCharsets.UTF_8)).isEqualTo("after a second");
        }
    }

    @Test
    void aBadOrTooLongDelayIsRefused() {
        assertThat(publish("$delayed/soon/later/x", "x")).isEqualTo(ReasonCode.TOPIC_NAME_INVALID);
        assertThat(publish("$delayed/7200/later/x", "x")).isEqualTo(ReasonCode.TOPIC_NAME_INVALID);
        assertThat(publish("$delayed/5", "x")).isEqualTo(ReasonCode.TOPIC_NAME_INVALID);
    }

    @Test
    void aDelayedMessageWaitsAcrossARestart() {
        assertThat(publish("$delayed/3/kept/x", "survived")).isZero();
        broker.restart();
        assertThat(broker.node().services().delayed().waiting()).isEqualTo(1);
        try (RawClient sub = subscriber("after-restart", "kept/#")) {
            PublishPacket p = sub.receive(PublishPacket.class, Duration.ofSeconds(10));
            assertThat(new String(p.payload(), StandardCharsets.UTF_8)).isEqualTo("survived");
        }
        broker.restart();
        assertThat(broker.node().services().delayed().waiting()).as("published, so no longer stored").isZero();
    }
}
