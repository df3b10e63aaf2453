package io.starling.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.starling.codec.MqttProperties;
import io.starling.codec.MqttVersion;
import io.starling.codec.packet.ConnectPacket;
import io.starling.codec.packet.PublishPacket;
import io.starling.codec.packet.SubAckPacket;
import io.starling.codec.packet.SubscribePacket;
import io.starling.codec.packet.TopicSubscription;
import io.starling.testkit.RawClient;
import io.starling.testkit.StarlingExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A QoS 0 fan-out over both network threads to subscribers of both versions, with and without retain-as-published:
 * every subscriber gets exactly its own version's packet, retain flag and payload, message after message.
 */
class FanOutBytesTest {
    @RegisterExtension
    static final StarlingExtension BROKER = StarlingExtension.create(b -> b.ioThreads(2));

    private record Subscriber(RawClient client, boolean retainAsPublished) {
    }

    @Test
    void everySubscriberGetsItsOwnVersionRetainFlagAndPayload() {
        String topic = Clients.topic("fanout-bytes");
        List<Subscriber> subscribers = new ArrayList<>();
        try {
            for (int i = 0; i < 12; i++) {
                // In blocks, so that a loop meets several subscribers of one shape in a row.
                MqttVersion version = i < 4 ? MqttVersion.MQTT_3_1_1 : MqttVersion.MQTT_5;
                boolean rap = i >= 8;
                RawClient c = Clients.raw(BROKER, new ConnectPacket(version, Clients.id("fanout-bytes"), true, 60,
                        null, null, null, MqttProperties.NONE));
                c.send(new SubscribePacket(1, List.of(new TopicSubscription(topic + "/#", 0, false, rap, 0)),
                        MqttProperties.NONE));
                c.receive(SubAckPacket.class);
                subscribers.add(new Subscriber(c, rap));
            }
            try (RawClient publisher = Clients.raw(BROKER, new ConnectPacket(MqttVersion.MQTT_3_1_1,
                    Clients.id("fanout-bytes-pub"), true, 60, null, null, null, MqttProperties.NONE))) {
                for (int n = 0; n < 60; n++) {
                    boolean retain = n % 4 == 1;
                    publisher.send(new PublishPacket(0, topic + "/" + (n % 3), payload(n), 0, retain, false,
                            MqttProperties.NONE));
                }
                for (Subscriber s : subscribers) {
                    for (int n = 0; n < 60; n++) {
                        PublishPacket p = s.client().receive(PublishPacket.class);
                        String who = s.client().version() + (s.retainAsPublished() ? " retain-as-published" : "")
                                + ", message " + n;
                        assertThat(p.topic()).as(who).isEqualTo(topic + "/" + (n % 3));
                        assertThat(new String(p.payload(), StandardCharsets.UTF_8)).as(who)
                                .isEqualTo(new String(payload(n), StandardCharsets.UTF_8));
                        assertThat(p.retain()).as(who).isEqualTo(s.retainAsPublished() && n % 4 == 1);
                        assertThat(p.qos()).as(who).isZero();
                    }
                }
            }
        } finally {
            subscribers.forEach(s -> s.client().close());
        }
    }

    private static byte[] payload(int n) {
        return ("payload " + n + " " + "x".repeat(n)).getBytes(StandardCharsets.UTF_8);
    }
}
