package io.starling.it.malformed;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.starling.api.QoS;
import io.starling.broker.protocol.MqttConnection;
import io.starling.codec.MqttProperties;
import io.starling.codec.MqttVersion;
import io.starling.codec.ReasonCode;
import io.starling.codec.packet.ConnAckPacket;
import io.starling.codec.packet.ConnectPacket;
import io.starling.codec.packet.DisconnectPacket;
import io.starling.codec.packet.MqttPacket;
import io.starling.codec.packet.PublishPacket;
import io.starling.codec.packet.SubAckPacket;
import io.starling.codec.packet.SubscribePacket;
import io.starling.codec.packet.TopicSubscription;
import io.starling.testkit.RawClient;
import io.starling.testkit.StarlingExtension;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * One case per class of malformed input: the offending connection is closed with the right MQTT 5 reason code,
 * the node logs one line for it, and a bystander client keeps working.
 */
class MalformedInputTest {

    @RegisterExtension
    static final StarlingExtension BROKER = StarlingExtension.create(b -> b.config(
            "mqtt.max_packet_size = 1024\nmqtt.max_topic_alias = 10\nmqtt.receive_maximum = 2"));

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger connectionLog = (Logger) LoggerFactory.getLogger(MqttConnection.class);

    @BeforeEach
    void captureLog() {
        log.start();
        connectionLog.addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        connectionLog.detachAppender(log);
    }

    static Stream<Arguments> malformedV5() {
        return Stream.of(
                Arguments.of("SUBSCRIBE with reserved flags 0", "80 06 00 01 00 00 01 61 00", ReasonCode.MALFORMED_PACKET),
                Arguments.of("remaining length of 5 bytes", "30 ff ff ff ff 01", ReasonCode.MALFORMED_PACKET),
                Arguments.of("packet larger than the maximum", "30 80 80 80 01", ReasonCode.PACKET_TOO_LARGE),
                Arguments.of("U+0000 in a topic", "30 06 00 03 61 00 62 00", ReasonCode.MALFORMED_PACKET),
                Arguments.of("encoded surrogate in a topic", "30 06 00 03 ed a0 80 00", ReasonCode.MALFORMED_PACKET),
                Arguments.of("overlong UTF-8 in a topic", "30 05 00 02 c0 80 00", ReasonCode.MALFORMED_PACKET),
                Arguments.of("wildcard in a PUBLISH topic", "30 06 00 03 61 2f 23 00", ReasonCode.TOPIC_NAME_INVALID),
                Arguments.of("invalid topic filter", "82 09 00 01 00 00 04 61 2f 23 62 00", ReasonCode.TOPIC_FILTER_INVALID),
                Arguments.of("packet identifier 0", "32 06 00 01 61 00 00 00", ReasonCode.PROTOCOL_ERROR),
                Arguments.of("duplicated property", "30 0a 00 01 61 06 01 01 01 01 78 78", ReasonCode.PROTOCOL_ERROR),
                Arguments.of("subscription identifier from a client", "30 06 00 01 61 02 0b 01", ReasonCode.PROTOCOL_ERROR),
                Arguments.of("property not allowed in PUBLISH", "30 07 00 01 61 03 13 00 3c", ReasonCode.PROTOCOL_ERROR),
                Arguments.of("unknown property", "30 06 00 01 61 02 7f 00", ReasonCode.MALFORMED_PACKET),
                Arguments.of("QoS 3", "36 04 00 01 61 00", ReasonCode.MALFORMED_PACKET),
                Arguments.of("reserved packet type 0", "00 00", ReasonCode.MALFORMED_PACKET),
                Arguments.of("CONNACK from a client", "20 03 00 00 00", ReasonCode.PROTOCOL_ERROR),
                Arguments.of("second CONNECT", "10 0d 00 04 4d 51 54 54 05 02 00 3c 00 00 00", ReasonCode.PROTOCOL_ERROR),
                Arguments.of("topic alias above the maximum", "30 08 00 01 61 03 23 00 0b 78", ReasonCode.TOPIC_ALIAS_INVALID),
                Arguments.of("unknown topic alias", "30 07 00 00 03 23 00 05 78", ReasonCode.PROTOCOL_ERROR),
                Arguments.of("PINGREQ with a body", "c0 01 00", ReasonCode.MALFORMED_PACKET),
                Arguments.of("AUTH without enhanced authentication", "f0 00", ReasonCode.PROTOCOL_ERROR));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedV5")
    void closesOnlyTheOffendingConnection(String what, String hex, int reason) {
        try (RawClient bystander = subscribedBystander("bystander-" + reason + what.hashCode());
             RawClient offender = RawClient.connect(BROKER.port(), MqttVersion.MQTT_5, "offender")) {
            offender.sendHex(hex);

            List<MqttPacket> before = offender.awaitClosed();
            assertThat(before).hasSize(1);
            assertThat(before.get(0)).isInstanceOfSatisfying(DisconnectPacket.class,
                    d -> assertThat(d.reasonCode()).as("DISCONNECT reason code").isEqualTo(reason));
            assertThat(warningsAbout("offender")).as("log lines about the offender").hasSize(1);
            assertBystanderStillServed(bystander);
        }
    }

    @Test
    void receiveMaximumExceededIsRefused() {
        try (RawClient offender = RawClient.connect(BROKER.port(), MqttVersion.MQTT_5, "offender")) {
            for (int id = 1; id <= 3; id++) {
                offender.send(new PublishPacket(id, "t", new byte[] {1}, 2, false, false, MqttProperties.NONE));
            }
            List<MqttPacket> before = offender.awaitClosed();
            assertThat(before.get(before.size() - 1)).isInstanceOfSatisfying(DisconnectPacket.class,
                    d -> assertThat(d.reasonCode()).isEqualTo(ReasonCode.RECEIVE_MAXIMUM_EXCEEDED));
        }
    }

    @Test
    void malformedMqtt311PacketClosesWithoutAnswer() {
        try (RawClient bystander = subscribedBystander("bystander-311");
             RawClient offender = RawClient.connect(BROKER.port(), MqttVersion.MQTT_3_1_1, "offender")) {
            offender.sendHex("30 06 00 03 61 00 62 00");
            assertThat(offender.awaitClosed()).isEmpty();
            assertThat(warningsAbout("offender")).hasSize(1);
            assertBystanderStillServed(bystander);
        }
    }

    @Test
    void packetBeforeConnectClosesTheSocket() {
        try (RawClient offender = RawClient.open(BROKER.port(), MqttVersion.MQTT_5)) {
            offender.sendHex("c0 00");
            assertThat(offender.awaitClosed()).isEmpty();
        }
    }

    @Test
    void unsupportedProtocolLevelIsAnsweredInMqtt311Format() {
        try (RawClient client = RawClient.open(BROKER.port(), MqttVersion.MQTT_3_1_1)) {
            client.sendHex("10 0d 00 04 4d 51 54 54 06 02 00 3c 00 01 61");
            List<MqttPacket> before = client.awaitClosed();
            assertThat(before).singleElement().isInstanceOfSatisfying(ConnAckPacket.class,
                    c -> assertThat(c.reasonCode()).isEqualTo(ReasonCode.V3_UNACCEPTABLE_PROTOCOL_VERSION));
        }
    }

    @Test
    void connectWithoutClientIdAndPersistentSessionIsRejectedIn311() {
        try (RawClient client = RawClient.open(BROKER.port(), MqttVersion.MQTT_3_1_1)) {
            client.send(new ConnectPacket(MqttVersion.MQTT_3_1_1, "", false, 60, null, null, null,
                    MqttProperties.NONE));
            List<MqttPacket> before = client.awaitClosed();
            assertThat(before).singleElement().isInstanceOfSatisfying(ConnAckPacket.class,
                    c -> assertThat(c.reasonCode()).isEqualTo(ReasonCode.V3_IDENTIFIER_REJECTED));
        }
    }

    private RawClient subscribedBystander(String clientId) {
        RawClient bystander = RawClient.connect(BROKER.port(), MqttVersion.MQTT_5, clientId);
        bystander.send(new SubscribePacket(1, List.of(TopicSubscription.of("still/alive", 1)), MqttProperties.NONE));
        bystander.receive(SubAckPacket.class);
        return bystander;
    }

    private static void assertBystanderStillServed(RawClient bystander) {
        try (RawClient publisher = RawClient.connect(BROKER.port(), MqttVersion.MQTT_5, "publisher")) {
            publisher.send(new PublishPacket(0, "still/alive", "yes".getBytes(), QoS.AT_MOST_ONCE.value(), false,
                    false, MqttProperties.NONE));
            PublishPacket got = bystander.receive(PublishPacket.class);
            assertThat(got.topic()).isEqualTo("still/alive");
        }
    }

    private List<ILoggingEvent> warningsAbout(String clientId) {
        return log.list.stream()
                .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .filter(e -> e.getFormattedMessage().contains("'" + clientId + "'"))
                .toList();
    }

}
