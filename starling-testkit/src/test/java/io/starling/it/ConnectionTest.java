package io.starling.it;

import static io.starling.it.Clients.bytes;
import static io.starling.it.Clients.receive;
import static io.starling.it.Clients.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAck;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import io.starling.codec.MqttProperties;
import io.starling.codec.MqttVersion;
import io.starling.codec.packet.ConnectPacket;
import io.starling.testkit.RawClient;
import io.starling.testkit.StarlingExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * CONNECT-time features: assigned client identifiers, the server keep-alive ({@code mqtt.max_keepalive}), the
 * client's maximum packet size applied to CONNACK, and what a takeover finds of a session that ended.
 */
class ConnectionTest {

    static final BrokerEvents EVENTS = new BrokerEvents();

    @RegisterExtension
    static final StarlingExtension BROKER = StarlingExtension.create(b -> b.hookListener(EVENTS)
            .config("mqtt.max_keepalive = 10"));

    @Test
    void mqtt5EmptyClientIdGetsAnAssignedIdentifierThatNamesTheSession() {
        Mqtt5BlockingClient anonymous = Mqtt5Client.builder().serverHost(BROKER.host()).serverPort(BROKER.port())
                .buildBlocking();
        Mqtt5ConnAck ack = anonymous.connectWith().sessionExpiryInterval(60).send();
        assertThat(ack.getAssignedClientIdentifier()).isPresent();
        String assigned = ack.getAssignedClientIdentifier().get().toString();
        assertThat(assigned).isNotEmpty();
        String topic = Clients.topic("assigned");
        anonymous.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
        anonymous.disconnect();
        EVENTS.awaitDisconnected(assigned);

        Mqtt5BlockingClient pub = Clients.connectedV5(BROKER, Clients.id("assigned-pub"));
        pub.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("kept for you")).send();
        pub.disconnect();

        Mqtt5BlockingClient again = Clients.v5(BROKER, assigned);
        try (var in = Clients.publishes(again)) {
            Mqtt5ConnAck back = again.connectWith().cleanStart(false).sessionExpiryInterval(0).send();
            assertThat(back.isSessionPresent()).as("the assigned id names a real session").isTrue();
            assertThat(back.getAssignedClientIdentifier()).isEmpty();
            assertThat(text(receive(in))).isEqualTo("kept for you");
        } finally {
            again.disconnect();
        }
    }

    @Test
    void twoClientsWithEmptyIdsGetDifferentIdentifiers() {
        Mqtt5BlockingClient a = Mqtt5Client.builder().serverHost(BROKER.host()).serverPort(BROKER.port())
                .buildBlocking();
        Mqtt5BlockingClient b = Mqtt5Client.builder().serverHost(BROKER.host()).serverPort(BROKER.port())
                .buildBlocking();
        String idA = a.connect().getAssignedClientIdentifier().orElseThrow().toString();
        String idB = b.connect().getAssignedClientIdentifier().orElseThrow().toString();
        assertThat(idA).isNotEqualTo(idB);
        assertThat(a.getState().isConnected()).as("no takeover between them").isTrue();
        a.disconnect();
        b.disconnect();
    }

    @Test
    void mqtt311EmptyClientIdIsAcceptedWithCleanSessionOnly() {
        Mqtt3BlockingClient clean = Mqtt3Client.builder().serverHost(BROKER.host()).serverPort(BROKER.port())
                .buildBlocking();
        clean.connectWith().cleanSession(true).send();
        String topic = Clients.topic("empty3");
        try (var in = Clients.publishes(clean)) {
            clean.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
            clean.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("works")).send();
            assertThat(text(receive(in))).isEqualTo("works");
        } finally {
            clean.disconnect();
        }

        Mqtt3BlockingClient persistent = Mqtt3Client.builder().serverHost(BROKER.host())
                .serverPort(BROKER.port()).buildBlocking();
        // [MQTT-3.1.3-8]: an empty client id with CleanSession 0 is refused with 0x02.
        assertThatThrownBy(() -> persistent.connectWith().cleanSession(false).send())
                .isInstanceOfSatisfying(Mqtt3ConnAckException.class, e -> assertThat(
                        e.getMqttMessage().getReturnCode()).isEqualTo(Mqtt3ConnAckReturnCode.IDENTIFIER_REJECTED));
    }

    @Test
    void serverKeepAliveCapsAClientAskingForMore() {
        Mqtt5BlockingClient client = Clients.v5(BROKER, Clients.id("keepalive"));
        Mqtt5ConnAck ack = client.connectWith().keepAlive(120).send();
        try {
            assertThat(ack.getServerKeepAlive()).hasValue(10);
            assertThat(client.getConfig().getConnectionConfig().orElseThrow().getKeepAlive())
                    .as("the client adopted the server's keep-alive").isEqualTo(10);
        } finally {
            client.disconnect();
        }
    }

    @Test
    void serverKeepAliveIsAbsentWhenTheClientAsksForLess() {
        Mqtt5BlockingClient client = Clients.v5(BROKER, Clients.id("keepalive-low"));
        Mqtt5ConnAck ack = client.connectWith().keepAlive(5).send();
        try {
            assertThat(ack.getServerKeepAlive()).isEmpty();
        } finally {
            client.disconnect();
        }
    }

    @Test
    void mqtt311ClientAskingForMoreKeepAliveIsStillAccepted() {
        Mqtt3BlockingClient client = Clients.v3(BROKER, Clients.id("keepalive3"));
        client.connectWith().keepAlive(120).send();
        assertThat(client.getState().isConnected()).isTrue();
        client.disconnect();
    }

    @Test
    void mqtt311CleanSessionTakenOverByAPersistentOneLeavesNoSession() {
        String id = Clients.id("clean-then-kept");
        String topic = Clients.topic("clean-then-kept");
        Mqtt3BlockingClient first = Clients.v3(BROKER, id);
        first.connectWith().cleanSession(true).send();
        first.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();

        // [MQTT-3.1.2-6]: the first session lasts as long as its connection; the takeover ends that connection.
        Mqtt3BlockingClient second = Clients.v3(BROKER, id);
        Mqtt3ConnAck ack = second.connectWith().cleanSession(false).send();
        try {
            assertThat(ack.isSessionPresent()).as("[MQTT-3.2.2-3]: no session to resume").isFalse();
            assertThat(BROKER.node().services().sessions().get(id).subscriptionCount()).isZero();
            assertThat(routesTo(topic)).as("the ended session's route is gone").isZero();
        } finally {
            second.disconnect();
            Mqtt3BlockingClient cleanup = Clients.v3(BROKER, id);
            cleanup.connectWith().cleanSession(true).send();
            cleanup.disconnect();
        }
    }

    @Test
    void mqtt5SessionWithExpiry0TakenOverWithoutCleanStartIsNotPresent() {
        String id = Clients.id("expiry0-then-kept");
        String topic = Clients.topic("expiry0-then-kept");
        Mqtt5BlockingClient first = Clients.v5(BROKER, id);
        first.connectWith().cleanStart(true).sessionExpiryInterval(0).send();
        first.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();

        Mqtt5BlockingClient second = Clients.v5(BROKER, id);
        Mqtt5ConnAck ack = second.connectWith().cleanStart(false).sessionExpiryInterval(0).send();
        try {
            assertThat(ack.isSessionPresent()).isFalse();
            assertThat(routesTo(topic)).isZero();
        } finally {
            second.disconnect();
        }
    }

    @Test
    void connAckLargerThanTheClientsMaximumPacketSizeIsNotSent() {
        String id = Clients.id("tiny-max");
        // The node's CONNACK is over 15 bytes: receive maximum, topic alias maximum, maximum packet size, ...
        MqttProperties props = MqttProperties.builder().maximumPacketSize(15L).build();
        try (RawClient client = RawClient.open(BROKER.port(), MqttVersion.MQTT_5)) {
            client.send(new ConnectPacket(MqttVersion.MQTT_5, id, true, 60, null, null, null, props));
            assertThat(client.awaitClosed()).as("[MQTT-3.1.2-24]: closed without CONNACK").isEmpty();
        }
        assertThat(BROKER.node().services().sessions().get(id)).as("no session opened").isNull();
    }

    @Test
    void refusalLeavesItsReasonStringOutWhenItWouldNotFit() {
        // Client id over mqtt.max_clientid_len: refused 0x85 with a reason string, which does not fit in 5 bytes.
        MqttProperties props = MqttProperties.builder().maximumPacketSize(5L).build();
        try (RawClient client = RawClient.open(BROKER.port(), MqttVersion.MQTT_5)) {
            client.send(new ConnectPacket(MqttVersion.MQTT_5, "x".repeat(1025), true, 60, null, null, null, props));
            client.expectHex("20 03 00 85 00");
            client.awaitClosed();
        }
    }

    private static long routesTo(String topic) {
        return BROKER.node().services().router().subscriptions().stream()
                .filter(s -> s.topicFilter().equals(topic)).count();
    }
}
