package io.starling.bridge;

import static io.starling.bridge.Nodes.bridge;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.starling.broker.bootstrap.Starling;
import io.starling.codec.MqttProperties;
import io.starling.codec.MqttVersion;
import io.starling.codec.PacketType;
import io.starling.codec.packet.ConnectPacket;
import io.starling.codec.packet.PublishPacket;
import io.starling.codec.packet.SubscribePacket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the bridge puts on the wire, as a bare MQTT server ({@link RawRemote}) reads it: the bridge bit, and what a
 * remote's CONNACK limits (Maximum QoS, Retain Available, Server Keep Alive) where a Starling or Mosquitto remote
 * would only refuse or grant less.
 */
class BridgeWireTest {
    private final Nodes nodes = new Nodes();
    private RawRemote raw;

    @AfterEach
    void stop() {
        nodes.close();
        if (raw != null) {
            raw.close();
        }
    }

    /**
     * MQTT 3.1.1 with {@code try_private} (the default): protocol level 0x84, written by the codec's encoder from
     * {@code ConnectPacket.bridge}; MQTT 5 has no bridge bit.
     */
    @ParameterizedTest
    @ValueSource(strings = {"3.1.1", "5"})
    void theBridgeBitIsSetOnMqtt311Only(String protocol) throws Exception {
        raw = new RawRemote(MqttProperties.NONE);
        nodes.start(bridge("b", raw.port(), protocol, "", "b/# out 1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !raw.all(PacketType.CONNECT).isEmpty());
        ConnectPacket connect = (ConnectPacket) raw.all(PacketType.CONNECT).get(0).packet();
        assertThat(connect.version()).isEqualTo(protocol.equals("5") ? MqttVersion.MQTT_5 : MqttVersion.MQTT_3_1_1);
        assertThat(connect.bridge()).isEqualTo(!protocol.equals("5"));
    }

    /** What the bridge puts on the wire: the PUBLISH and the SUBSCRIBE at Maximum QoS 1, the retain flag cleared. */
    @Test
    void onTheWireNothingIsAboveWhatTheRemoteAnnounced() throws Exception {
        raw = new RawRemote(MqttProperties.builder().maximumQos(1).retainAvailable(0).build());
        Starling node = nodes.start(bridge("w", raw.port(), "5", "notifications_local_only = true",
                "w/out/# out 2", "w/in/# in 2"));
        await().atMost(Duration.ofSeconds(10)).until(() -> node.bridges().list().get(0).state().equals("connected"));
        Clients.publish(Clients.connect(node.port()), "w/out/x", "kept", 2, true);

        await().atMost(Duration.ofSeconds(10)).until(() -> !raw.all(PacketType.PUBLISH).isEmpty());
        PublishPacket sent = (PublishPacket) raw.all(PacketType.PUBLISH).get(0).packet();
        assertThat(sent.qos()).isEqualTo(1);
        assertThat(sent.retain()).isFalse();
        SubscribePacket subscribe = (SubscribePacket) raw.all(PacketType.SUBSCRIBE).get(0).packet();
        assertThat(subscribe.subscriptions().get(0).qos()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> node.bridges().list().get(0).forwarded() == 1);
        assertThat(node.bridges().list().get(0).queued()).isZero();
    }

    /**
     * Server Keep Alive 1: a PINGREQ about every second; once the remote falls silent, the bridge gives the
     * connection up within two periods and connects again.
     */
    @Test
    void theRemotesServerKeepAliveSetsThePingsAndTheSilenceDetection() throws Exception {
        raw = new RawRemote(MqttProperties.builder().serverKeepAlive(1).build());
        nodes.start(bridge("k", raw.port(), "5", "keepalive = 60s\nnotifications_local_only = true", "k/# out 1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> raw.all(PacketType.PINGREQ).size() >= 4);
        List<RawRemote.Received> pings = raw.all(PacketType.PINGREQ);
        for (int i = 1; i < pings.size(); i++) {
            long gapMillis = TimeUnit.NANOSECONDS.toMillis(pings.get(i).atNanos() - pings.get(i - 1).atNanos());
            assertThat(gapMillis).as("between PINGREQs %d and %d", i - 1, i).isBetween(500L, 1500L);
        }

        long silentFrom = System.nanoTime();
        raw.fallSilent();
        await().atMost(Duration.ofSeconds(10)).until(() -> raw.all(PacketType.CONNECT).size() == 2);
        long reconnectedAfterMillis = TimeUnit.NANOSECONDS.toMillis(
                raw.all(PacketType.CONNECT).get(1).atNanos() - silentFrom);
        // Two 1 s periods of silence, then the reconnect backoff (at most 500 ms here).
        assertThat(reconnectedAfterMillis).isBetween(1000L, 3500L);
    }

    /**
     * A bridge that only writes (QoS 0 out, nothing comes back) still hears from the remote: it pings when it read
     * nothing for a period, not only when it wrote nothing, and keeps the connection.
     */
    @Test
    void aBridgeThatOnlySendsQos0StillPingsAndStaysConnected() throws Exception {
        raw = new RawRemote(MqttProperties.builder().serverKeepAlive(1).build());
        Starling node = nodes.start(bridge("z", raw.port(), "5", "notifications_local_only = true", "z/# out 0"));
        await().atMost(Duration.ofSeconds(10)).until(() -> node.bridges().list().get(0).state().equals("connected"));
        var local = Clients.connect(node.port());
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3500);
        int sent = 0;
        while (System.nanoTime() < until) {
            Clients.publish(local, "z/x", "m" + sent++, 0, false);
            // Paces the stream below the keep-alive period, so that the bridge is never idle writing.
            Thread.sleep(50);
        }
        int total = sent;
        await().atMost(Duration.ofSeconds(10)).until(() -> raw.all(PacketType.PUBLISH).size() == total);
        assertThat(raw.all(PacketType.PINGREQ)).hasSizeGreaterThanOrEqualTo(2);
        assertThat(raw.all(PacketType.CONNECT)).hasSize(1);
    }

    /** A remote that takes the TCP connection and never answers CONNECT is left after connect_timeout, keep-alive 0. */
    @Test
    void aRemoteThatNeverAnswersTheConnectIsLeftAfterTheConnectTimeout() throws Exception {
        raw = new RawRemote(MqttProperties.NONE);
        raw.fallSilent();
        Starling node = nodes.start(bridge("s", raw.port(), "5", "keepalive = 0s\nconnect_timeout = 300ms", "s/# out 1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> raw.all(PacketType.CONNECT).size() >= 2);
        assertThat(node.bridges().list().get(0).state()).isNotEqualTo("connected");
    }
}
