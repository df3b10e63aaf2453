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

/**
 * A listener behind a load balancer: the client address from PROXY protocol v1 and v2 headers, and their faults.
 * The tests connect from 127.0.0.1, the proxy every listener trusts by default; {@code tcp:untrusted} trusts
 * another, {@code tcp:allowlist} lets in only 203.0.113.0/24 and the loopback proxy, {@code tcp:clientsonly}
 * only 203.0.113.0/24.
 */
class ProxyProtocolTest {
    private static final ConnectedClients CLIENTS = new ConnectedClients();
    /** Signature, v2 PROXY, AF_UNIX stream, 216 bytes: two socket paths of 108 bytes each. */
    private static final String UNIX_HEADER = "0d 0a 0d 0a 00 0d 0a 51 55 49 54 0a 21 31 00 d8";

    @RegisterExtension
    static final StarlingExtension BROKER = StarlingExtension.create(b -> b.config(
            "listeners.tcp.default { proxy_protocol = true, proxy_protocol_timeout = 300ms,"
                    + " access_rules = [\"deny 198.51.100.0/24\"] }\n"
                    + "listeners.tcp.untrusted { bind = \"127.0.0.1:0\", proxy_protocol = true,"
                    + " trusted_proxies = [\"10.0.0.0/8\"] }\n"
                    + "listeners.tcp.allowlist { bind = \"127.0.0.1:0\", proxy_protocol = true, access_rules = ["
                    + "\"allow 127.0.0.1\", \"allow 203.0.113.0/24\", \"deny all\"] }\n"
                    + "listeners.tcp.clientsonly { bind = \"127.0.0.1:0\", proxy_protocol = true, access_rules = ["
                    + "\"allow 203.0.113.0/24\", \"deny all\"] }\n"
                    + "listeners.tcp.blocks { bind = \"127.0.0.1:0\", proxy_protocol = true, access_rules = ["
                    + "\"allow 127.0.0.1\", \"allow 203.0.113.0/24\", \"deny 0.0.0.0/0\", \"deny ::/0\"] }\n"
                    + "listeners.ssl.default.enabled = false\nlisteners.ws.default.enabled = false\n"
                    + "listeners.wss.default.enabled = false\n")
            .allListeners().storageType("memory").hookListener(CLIENTS));

    @RegisterExtension
    final LogLines log = new LogLines("io.starling.broker.transport");

    private static int port(String listener) {
        return BROKER.node().address(listener).getPort();
    }

    private static ConnectPacket connect(String id) {
        return new ConnectPacket(MqttVersion.MQTT_5, id, true, 60, null, null, null, MqttProperties.NONE);
    }

    @Test
    void aVersion1HeaderGivesTheClientsAddress() {
        try (RawClient c = RawClient.open(port("tcp:default"), MqttVersion.MQTT_5)) {
            c.sendBytes("PROXY TCP4 203.0.113.7 10.0.0.1 40000 1883\r\n".getBytes(StandardCharsets.US_ASCII));
            c.send(connect("via-v1"));
            assertThat(c.receive(ConnAckPacket.class).reasonCode()).isZero();
        }
        assertThat(CLIENTS.await("via-v1").remoteAddress().getAddress().getHostAddress()).isEqualTo("203.0.113.7");
        assertThat(CLIENTS.await("via-v1").remoteAddress().getPort()).isEqualTo(40000);
    }

    @Test
    void aVersion2HeaderGivesTheClientsAddress() {
        try (RawClient c = RawClient.open(port("tcp:default"), MqttVersion.MQTT_5)) {
            // Signature, v2 PROXY, TCP over IPv4, 12 bytes: 203.0.113.8 -> 10.0.0.1, ports 40001 -> 1883.
            c.sendBytes(Hex.decode("0d 0a 0d 0a 00 0d 0a 51 55 49 54 0a 21 11 00 0c cb 00 71 08 0a 00 00 01 9c 41 07 5b"));
            c.send(connect("via-v2"));
            assertThat(c.receive(ConnAckPacket.class).reasonCode()).isZero();
        }
        assertThat(CLIENTS.await("via-v2").remoteAddress().getAddress().getHostAddress()).isEqualTo("203.0.113.8");
    }

    @Test
    void theAccessRulesApplyToTheAddressInTheHeader() {
        try (RawClient c = RawClient.open(port("tcp:default"), MqttVersion.MQTT_5)) {
            c.sendBytes("PROXY TCP4 198.51.100.5 10.0.0.1 40002 1883\r\n".getBytes(StandardCharsets.US_ASCII));
            c.send(connect("denied"));
            assertThat(c.awaitClosed(Duration.ofSeconds(5))).isEmpty();
        }
        log.await("198.51.100.5:40002", "refused by the access rules");
    }

    @Test
    void aConnectionThatSendsMqttInsteadOfAHeaderIsClosedWhenTheHeaderIsLate() {
        try (RawClient c = RawClient.open(port("tcp:default"), MqttVersion.MQTT_5)) {
            c.send(connect("no-header"));
            assertThat(c.awaitClosed(Duration.ofSeconds(5))).isEmpty();
        }
        log.await("no PROXY protocol header in 300 ms");
    }

    @Test
    void aMalformedHeaderClosesTheConnection() {
        try (RawClient c = RawClient.open(port("tcp:default"), MqttVersion.MQTT_5)) {
            c.sendBytes("PROXY TCP4 not-an-address\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(c.awaitClosed(Duration.ofSeconds(5))).isEmpty();
        }
        log.await("bad PROXY protocol header");
    }

    @Test
    void aHeaderFromAPeerThatIsNotATrustedProxyClosesTheConnection() {
        assertRefusedAtAccept("tcp:untrusted", "PROXY TCP4 203.0.113.10 10.0.0.1 40003 1883\r\n",
                "not a trusted proxy");
    }

    @Test
    void theAccessRulesApplyToTheProxyToo() {
        // The header names an allowed client, but the socket's peer (127.0.0.1) is not allowed on this listener.
        assertRefusedAtAccept("tcp:clientsonly", "PROXY TCP4 203.0.113.11 10.0.0.1 40004 1883\r\n",
                "refused by the access rules");
    }

    /**
     * Sends a header and a CONNECT, and expects the connection closed and logged with {@code why} for the peer
     * 127.0.0.1. The node may have closed the socket at accept, before the test wrote a byte.
     */
    private void assertRefusedAtAccept(String listener, String header, String why) {
        try (RawClient c = RawClient.open(port(listener), MqttVersion.MQTT_5)) {
            try {
                c.sendBytes(header.getBytes(StandardCharsets.US_ASCII));
                c.send(connect("never"));
            } catch (java.io.UncheckedIOException closed) {
                // Refused at accept: what is checked next.
            }
            assertThat(c.awaitClosed(Duration.ofSeconds(5))).isEmpty();
        }
        log.await(listener, "127.0.0.1:", why);
        assertThat(CLIENTS.connected("never")).isFalse();
    }

    @Test
    void anAllowedProxyAndAnAllowedClientPass() {
        try (RawClient c = RawClient.open(port("tcp:allowlist"), MqttVersion.MQTT_5)) {
            c.sendBytes("PROXY TCP4 203.0.113.12 10.0.0.1 40005 1883\r\n".getBytes(StandardCharsets.US_ASCII));
            c.send(connect("allowed"));
            assertThat(c.receive(ConnAckPacket.class).reasonCode()).isZero();
        }
        assertThat(CLIENTS.await("allowed").remoteAddress().getAddress().getHostAddress()).isEqualTo("203.0.113.12");
    }

    @Test
    void aUnixSocketSourceIsNeverLookedUpAndMatchesNoAllowRule() {
        // The source is a socket path, "localhost": looked up as a host name it was 127.0.0.1, which is allowed.
        try (RawClient c = RawClient.open(port("tcp:allowlist"), MqttVersion.MQTT_5)) {
            c.sendBytes(Hex.decode(UNIX_HEADER));
            c.sendBytes(socketPath("localhost"));
            c.sendBytes(socketPath("/run/starling.sock"));
            c.send(connect("unix"));
            assertThat(c.awaitClosed(Duration.ofSeconds(5))).isEmpty();
        }
        log.await("tcp:allowlist", "localhost", "refused by the access rules");
        assertThat(CLIENTS.connected("unix")).isFalse();
    }

    @Test
    void aUnixSocketSourceMeetsADenyOfEveryAddressSpelledAsABlock() {
        try (RawClient c = RawClient.open(port("tcp:blocks"), MqttVersion.MQTT_5)) {
            c.sendBytes(Hex.decode(UNIX_HEADER));
            c.sendBytes(socketPath("/run/a.sock"));
            c.sendBytes(socketPath("/run/starling.sock"));
            c.send(connect("unix-blocks"));
            assertThat(c.awaitClosed(Duration.ofSeconds(5))).isEmpty();
        }
        log.await("tcp:blocks", "/run/a.sock", "refused by the access rules");
        assertThat(CLIENTS.connected("unix-blocks")).isFalse();
    }

    /** A socket path as a PROXY v2 header carries it: 108 bytes, padded with zeros. */
    private static byte[] socketPath(String path) {
        return java.util.Arrays.copyOf(path.getBytes(StandardCharsets.US_ASCII), 108);
    }
}
