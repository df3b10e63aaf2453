package io.starling.it.listeners;

import static org.assertj.core.api.Assertions.assertThat;

import io.starling.codec.MqttProperties;
import io.starling.codec.MqttVersion;
import io.starling.codec.packet.SubAckPacket;
import io.starling.codec.packet.SubscribePacket;
import io.starling.codec.packet.TopicSubscription;
import io.starling.testkit.RawClient;
import io.starling.testkit.StarlingExtension;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * MQTT lets a client id hold control characters: one with a newline and a terminal escape goes into the log
 * escaped, on the line that names the client, so it can neither write a line of its own nor drive a terminal.
 */
class ClientIdLogLinesTest {
    private static final String ID = "evil\n12:00:00.000 INFO  forged line\u001b[2J\\";

    @RegisterExtension
    static final StarlingExtension BROKER = StarlingExtension.create(b -> b.storageType("memory").config(
            "authorization.rules = [{permission = deny, action = subscribe, topic = \"secret/#\"}]"));

    @RegisterExtension
    final LogLines log = new LogLines("io.starling");

    @ParameterizedTest
    @EnumSource(value = MqttVersion.class, names = {"MQTT_3_1_1", "MQTT_5"})
    void aClientIdWithControlCharactersIsLoggedEscaped(MqttVersion version) {
        try (RawClient c = RawClient.connect(BROKER.port(), version, ID)) {
            c.send(new SubscribePacket(1, List.of(TopicSubscription.of("secret/x", 1)), MqttProperties.NONE));
            assertThat(c.receive(SubAckPacket.class).reasonCodes()).containsExactly(0x80);
        }
        String line = log.await("not authorized to subscribe to 'secret/x'");
        assertThat(line).contains("client 'evil\\n12:00:00.000 INFO  forged line\\u001b[2J\\\\' (127.0.0.1:");
        assertThat(log.lines()).noneMatch(l -> l.contains("forged") && (l.contains("\n") || l.contains("\u001b")));
    }
}
