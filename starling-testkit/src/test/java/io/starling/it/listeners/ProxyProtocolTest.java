package io.starling.it.listeners;

import static org.assertj.core.api.Assertions.assertThat;

import io.starling.codec.MqttProperties;
import io.starling.codec.MqttVersion;
import io.starling.codec.packet.ConnAckPacket;
import io.starling.codec.packet.ConnectPacket;
import io.starling.testkit.Hex;
import io.starling.testkit.RawClient;
import io.starling.testkit.StarlingExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A listener behind a load balancer: the client address from PROXY protocol v1 and v2 headers, and their faults. */
class ProxyProtocolTest {
    private static final ConnectedClients CLIENTS = new ConnectedClients();

    @RegisterExtension
    static final StarlingExtension BROKER = StarlingExtension.create(b -> b.config(
            "listeners.tcp.default { proxy_protocol = true, proxy_protocol_timeout = 300ms,"
                    + " access_rules = [\"deny 198.51.100.0/24\"] }\n").storageType("memory").hookListener(CLIENTS));

    @RegisterExtension
    final LogLines log = new LogLines("io.starling.broker.transport");

    private static ConnectPacket connect(String id) {
        return new ConnectPacket(MqttVersion.MQTT_5, id, true, 60, null, null, null, MqttProperties.NONE);
    }

    @Test
    void aVersion1HeaderGivesTheClientsAddress() {
        try (RawClient c = RawClient.open(BROKER.port(), MqttVersion.MQTT_5)) {
            c.sendBytes("PROXY TCP4 203.0.113.7 10.0.0.1 40000 1883\r\n".getBytes(StandardCharsets.US_ASCII));
            c.send(connect("via-v1"));
            assertThat(c.receive(ConnAckPacket.class).reasonCode()).isZero();
        }
        assertThat(CLIENTS.await("via-v1").remoteAddress().getAddress().getHostAddress()).isEqualTo("203.0.113.7");
        assertThat(CLIENTS.await("via-v1").remoteAddress().getPort()).isEqualTo(40000);
    }

    @Test
    void aVersion2HeaderGivesTheClientsAddress() {
        try (RawClient c = RawClient.open(BROKER.port(), MqttVersion.MQTT_5)) {
            // Signature, v2 PROXY, TCP over IPv4, 12 bytes: 203.0.113.8 -> 10.0.0.1, ports 40001 -> 1883.
            c.sendBytes(Hex.decode("0d 0a 0d 0a 00 0d 0a 51 55 49 54 0a 21 11 00 0c cb 00 71 08 0a 00 00 01 9c 41 07 5b"));
            c.send(connect("via-v2"));
            assertThat(c.receive(ConnAckPacket.class).reasonCode()).isZero();
        }
        assertThat(CLIENTS.await("via-v2").remoteAddress().getAddress().getHostAddress()).isEqualTo("203.0.113.8");
    }

    @Test
    void theAccessRulesApplyToTheAddressInTheHeader() {
        try (RawClient c = RawClient.open(BROKER.port(), MqttVersion.MQTT_5)) {
            c.sendBytes("PROXY TCP4 198.51.100.5 10.0.0.1 40002 1883\r\n".getBytes(StandardCharsets.US_ASCII));
            c.send(connect("denied"));
            assertThat(c.awaitClosed(Duration.ofSeconds(5))).isEmpty();
        }
        log.await("198.51.100.5:40002", "refused by the access rules");
    }

    @Test
    void aConnectionThatSendsMqttInsteadOfAHeaderIsClosedWhenTheHeaderIsLate() {
        try (RawClient c = RawClient.open(BROKER.port(), MqttVersion.MQTT_5)) {
            c.send(connect("no-header"));
            assertThat(c.awaitClosed(Duration.ofSeconds(5))).isEmpty();
        }
        log.await("no PROXY protocol header in 300 ms");
    }

    @Test
    void aMalformedHeaderClosesTheConnection() {
        try (RawClient c = RawClient.open(BROKER.port(), MqttVersion.MQTT_5)) {
            c.sendBytes("PROXY TCP4 not-an-address\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(c.awaitClosed(Duration.ofSeconds(5))).isEmpty();
        }
        log.await("bad PROXY protocol header");
    }
}
