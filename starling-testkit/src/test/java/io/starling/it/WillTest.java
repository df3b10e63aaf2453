package io.starling.it;

import static io.starling.it.Clients.bytes;
import static io.starling.it.Clients.receive;
import static io.starling.it.Clients.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.starling.codec.MqttProperties;
import io.starling.codec.MqttVersion;
import io.starling.codec.ReasonCode;
import io.starling.codec.packet.ConnectPacket;
import io.starling.codec.packet.DisconnectPacket;
import io.starling.codec.packet.Will;
import io.starling.testkit.RawClient;
import io.starling.testkit.StarlingExtension;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Wills: published when the network connection is lost (the socket closed without DISCONNECT), when an MQTT 5
 * client disconnects with 0x04, or when keep-alive runs out; not published after a normal DISCONNECT; held back
 * for the will delay interval and cancelled by a reconnect within it, with or without a clean start. "Not
 * published" is checked by waiting until the node has handled the close (hook event), then sending a marker on
 * the will topic.
 */
class WillTest {

    static final BrokerEvents EVENTS = new BrokerEvents();

    @RegisterExtension
    static final StarlingExtension BROKER = StarlingExtension.create(b -> b.hookListener(EVENTS));

    private Mqtt5BlockingClient watcher;
    private Mqtt5BlockingClient.Mqtt5Publishes wills;
    private String willTopic;

    @BeforeEach
    void watchWills() {
        willTopic = Clients.topic("will");
        watcher = Clients.connectedV5(BROKER, Clients.id("watcher"));
        wills = Clients.publishes(watcher);
        watcher.subscribeWith().topicFilter(willTopic).qos(MqttQos.AT_LEAST_ONCE).send();
    }

    @AfterEach
    void stopWatching() {
        wills.close();
        Clients.closeQuietly(watcher);
    }

    private void marker() {
        watcher.publishWith().topic(willTopic).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("marker")).send();
    }

    private ConnectPacket connectWithWill(MqttVersion version, String clientId, boolean cleanStart, long expiry,
            long willDelay, int keepAlive) {
        MqttProperties willProps = willDelay == 0 ? MqttProperties.NONE
                : MqttProperties.builder().willDelayInterval(willDelay).build();
        MqttProperties connectProps = expiry == 0 ? MqttProperties.NONE
                : MqttProperties.builder().sessionExpiryInterval(expiry).build();
        Will will = new Will(willTopic, bytes("gone:" + clientId), 1, false, willProps);
        return new ConnectPacket(version, clientId, cleanStart, keepAlive, null, null, will, connectProps);
    }

    @Test
    void mqtt5WillIsPublishedWhenTheNetworkConnectionIsLost() {
        String id = Clients.id("abrupt5");
        RawClient client = Clients.raw(BROKER, connectWithWill(MqttVersion.MQTT_5, id, true, 0, 0, 60));
        client.close();
        Mqtt5Publish will = receive(wills);
        assertThat(text(will)).isEqualTo("gone:" + id);
        assertThat(will.getQos()).isEqualTo(MqttQos.AT_LEAST_ONCE);
    }

    @Test
    void mqtt311WillIsPublishedWhenTheNetworkConnectionIsLost() {
        String id = Clients.id("abrupt3");
        RawClient client = Clients.raw(BROKER, connectWithWill(MqttVersion.MQTT_3_1_1, id, true, 0, 0, 60));
        client.close();
        assertThat(text(receive(wills))).isEqualTo("gone:" + id);
    }

    @Test
    void mqtt31WillIsPublishedWhenTheNetworkConnectionIsLost() {
        String id = Clients.id("abrupt31");
        RawClient client = Clients.raw(BROKER, connectWithWill(MqttVersion.MQTT_3_1, id, true, 0, 0, 60));
        client.close();
        assertThat(text(receive(wills))).isEqualTo("gone:" + id);
    }

    @Test
    void mqtt5WillIsPublishedOnDisconnectWithWillMessage() {
        String id = Clients.id("with-will");
        Mqtt5BlockingClient client = Clients.v5(BROKER, id);
        client.connectWith().willPublish().topic(willTopic).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("bye"))
                .contentType("text/plain").userProperties().add("k", "v").applyUserProperties()
                .applyWillPublish().send();
        client.disconnectWith().reasonCode(Mqtt5DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE).send();
        Mqtt5Publish will = receive(wills);
        assertThat(text(will)).isEqualTo("bye");
        assertThat(will.getContentType()).hasValueSatisfying(c -> assertThat(c.toString()).isEqualTo("text/plain"));
        assertThat(will.getUserProperties().asList()).hasSize(1);
        assertThat(will.getUserProperties().asList().get(0).getName().toString()).isEqualTo("k");
    }

    @Test
    void retainedWillIsStoredAsRetainedMessage() {
        String id = Clients.id("retained-will");
        Will will = new Will(willTopic, bytes("last words"), 1, true, MqttProperties.NONE);
        RawClient client = Clients.raw(BROKER,
                new ConnectPacket(MqttVersion.MQTT_3_1_1, id, true, 60, null, null, will, MqttProperties.NONE));
        client.close();
        assertThat(text(receive(wills))).isEqualTo("last words");

        Mqtt5BlockingClient late = Clients.connectedV5(BROKER, Clients.id("late"));
        try (var in = Clients.publishes(late)) {
            late.subscribeWith().topicFilter(willTopic).qos(MqttQos.AT_LEAST_ONCE).send();
            Mqtt5Publish p = receive(in);
            assertThat(text(p)).isEqualTo("last words");
            assertThat(p.isRetain()).isTrue();
        } finally {
            late.disconnect();
        }
    }

    @Test
    void mqtt5WillIsNotPublishedAfterNormalDisconnect() {
        String id = Clients.id("normal5");
        Mqtt5BlockingClient client = Clients.v5(BROKER, id);
        client.connectWith().willPublish().topic(willTopic).payload(bytes("should not")).applyWillPublish().send();
        client.disconnect();
        EVENTS.awaitDisconnected(id);
        marker();
        assertThat(text(receive(wills))).isEqualTo("marker");
    }

    @Test
    void mqtt311WillIsNotPublishedAfterNormalDisconnect() {
        String id = Clients.id("normal3");
        Mqtt3BlockingClient client = Clients.v3(BROKER, id);
        client.connectWith().willPublish().topic(willTopic).payload(bytes("should not")).applyWillPublish().send();
        client.disconnect();
        EVENTS.awaitDisconnected(id);
        marker();
        assertThat(text(receive(wills))).isEqualTo("marker");
    }

    @Test
    void willIsPublishedWhenKeepAliveRunsOut() {
        String id = Clients.id("silent");
        // Keep-alive 1 s: the node gives up after 1.5 s without a packet.
        RawClient client = Clients.raw(BROKER, connectWithWill(MqttVersion.MQTT_3_1_1, id, true, 0, 0, 1));
        try {
            assertThat(text(receive(wills))).isEqualTo("gone:" + id);
            client.awaitClosed();
        } finally {
            client.close();
        }
    }

    @Test
    void delayedWillIsPublishedAfterTheDelay() {
        String id = Clients.id("delayed");
        RawClient client = Clients.raw(BROKER, connectWithWill(MqttVersion.MQTT_5, id, true, 60, 2, 60));
        client.close();
        long lost = System.nanoTime();
        EVENTS.awaitDisconnected(id);
        Mqtt5Publish will = Clients.poll(wills, Duration.ofSeconds(6))
                .orElseThrow(() -> new AssertionError("delayed will never published"));
        Duration waited = Duration.ofNanos(System.nanoTime() - lost);
        assertThat(text(will)).isEqualTo("gone:" + id);
        assertThat(waited).as("published after the 2 s will delay").isGreaterThanOrEqualTo(Duration.ofMillis(1900));
    }

    @ParameterizedTest(name = "clean start {0}")
    @ValueSource(booleans = {false, true})
    void delayedWillIsCancelledByAReconnectWithinTheDelay(boolean cleanStart) {
        String id = Clients.id("comeback");
        RawClient client = Clients.raw(BROKER, connectWithWill(MqttVersion.MQTT_5, id, true, 60, 2, 60));
        client.close();
        long lost = System.nanoTime();
        EVENTS.awaitDisconnected(id);

        // [MQTT-3.1.2-8]: a new network connection for the client id before the delay runs out means no will, with
        // a clean start too, although that ends the session the will belonged to.
        Mqtt5BlockingClient back = Clients.v5(BROKER, id);
        var ack = back.connectWith().cleanStart(cleanStart).sessionExpiryInterval(60).send();
        assertThat(ack.isSessionPresent()).isEqualTo(!cleanStart);
        assertThat(Duration.ofNanos(System.nanoTime() - lost)).as("reconnected within the delay")
                .isLessThan(Duration.ofSeconds(2));
        try {
            // Wait past the moment the will would have gone out, then prove the path with a marker.
            Clients.waitUntil(lost, Duration.ofMillis(2500));
            marker();
            assertThat(text(receive(wills))).isEqualTo("marker");
        } finally {
            back.disconnectWith().sessionExpiryInterval(0).send();
        }
    }

    @Test
    void mqtt5WillGoesOutAtTheKeepAliveTimeoutNotWhenTheSocketFinallyCloses() {
        String id = Clients.id("silent5");
        RawClient client = Clients.raw(BROKER, connectWithWill(MqttVersion.MQTT_5, id, true, 0, 0, 1));
        try {
            DisconnectPacket disconnect = client.receive(DisconnectPacket.class);
            assertThat(disconnect.reasonCode()).isEqualTo(ReasonCode.KEEP_ALIVE_TIMEOUT);
            // The client keeps its side open: the node waits up to 2 s for it to close, and the will must not.
            Mqtt5Publish will = Clients.poll(wills, Duration.ofSeconds(1))
                    .orElseThrow(() -> new AssertionError("no will within 1 s of the keep-alive timeout"));
            assertThat(text(will)).isEqualTo("gone:" + id);
        } finally {
            client.close();
        }
    }
}
