package io.starling.broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private Path write(String text) throws IOException {
        Path file = dir.resolve("starling.conf");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void defaultsRunOutOfTheBox() {
        BrokerConfig c = ConfigLoader.defaults(Map.of());
        assertThat(c.listeners()).extracting(ListenerConfig::id, ListenerConfig::port).containsExactly(
                tuple("tcp:default", 1883), tuple("ssl:default", 8883), tuple("ws:default", 8083),
                tuple("wss:default", 8084));
        assertThat(c.listeners().get(3).webSocket().path()).isEqualTo("/mqtt");
        assertThat(c.listeners().get(1).tls().certFile()).as("no certificate until one is configured").isNull();
        assertThat(c.mqtt().maxPacketSize()).isEqualTo(1_000_000);
        assertThat(c.mqtt().maxSessionExpirySeconds()).isEqualTo(7200);
    }

    @Test
    void fileValuesOverrideDefaults() throws IOException {
        Path file = write("mqtt {\n  max_inflight = 7\n}\nlisteners.tcp.default.bind = \"127.0.0.1:1999\"\n");
        BrokerConfig c = ConfigLoader.load(file, Map.of());
        assertThat(c.mqtt().maxInflight()).isEqualTo(7);
        assertThat(c.listeners().get(0).host()).isEqualTo("127.0.0.1");
        assertThat(c.listeners().get(0).port()).isEqualTo(1999);
    }

    @Test
    void unknownKeyNamesFileLineAndKey() throws IOException {
        Path file = write("mqtt {\n  max_inflight = 7\n  max_inflihgt = 8\n}\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage(file + ":3: unknown setting 'mqtt.max_inflihgt'");
    }

    @Test
    void malformedFileNamesFileAndLine() throws IOException {
        Path file = write("mqtt {\n  max_inflight = 7\n  max_qos = \n}\n}\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith(file + ":");
    }

    @Test
    void wrongTypeNamesFileLineAndKey() throws IOException {
        Path file = write("\nmqtt.max_inflight = lots\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith(file + ":2:")
                .hasMessageContaining("max_inflight");
    }

    @Test
    void outOfRangeValueIsRefused() throws IOException {
        Path file = write("mqtt.max_qos = 3\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
                .hasMessage(file + ":1: mqtt.max_qos must be 0, 1 or 2");
    }

    @Test
    void badEnumListsTheChoices() throws IOException {
        Path file = write("mqtt.drop_policy = drop_random\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
                .hasMessage(file + ":1: mqtt.drop_policy must be one of drop_oldest, drop_newest, was 'drop_random'");
    }

    @Test
    void environmentOverridesFile() throws IOException {
        Path file = write("mqtt.max_inflight = 7\n");
        BrokerConfig c = ConfigLoader.load(file, Map.of(
                "STARLING_MQTT__MAX_INFLIGHT", "9",
                "STARLING_LISTENERS__TCP__DEFAULT__BIND", "127.0.0.1:2883",
                "STARLING_CONFIG", "ignored: no double underscore"));
        assertThat(c.mqtt().maxInflight()).isEqualTo(9);
        assertThat(c.listeners().get(0).port()).isEqualTo(2883);
    }

    @Test
    void unknownEnvironmentOverrideIsRefused() throws IOException {
        Path file = write("");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of("STARLING_MQTT__NO_SUCH", "1")))
                .hasMessageContaining("unknown setting 'mqtt.no_such'");
    }

    @Test
    void authorizationRulesAreTyped() throws IOException {
        Path file = write("authorization.rules = [\n"
                + "  { permission = deny, action = subscribe, topic = \"test/nosubscribe\" }\n]\n");
        BrokerConfig c = ConfigLoader.load(file, Map.of());
        assertThat(c.authorizationRules()).containsExactly(
                new AuthorizationRule(false, AuthorizationRule.Action.SUBSCRIBE, "test/nosubscribe"));
    }

    @Test
    void unknownRuleKeyIsRefused() throws IOException {
        Path file = write("authorization.rules = [\n  { permission = deny, action = subscribe, topik = \"x\" }\n]\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
                .hasMessageStartingWith(file + ":2: unknown setting 'topik'");
    }

    @Test
    void missingFileIsNamed() {
        Path file = dir.resolve("nope.conf");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
                .hasMessage(file + ": configuration file not found");
    }

    @Test
    void aNewListenerNeedsOnlyItsBindAndTakesTheDefaultsOfItsType() throws IOException {
        Path file = write("listeners.wss.browsers {\n  bind = \"127.0.0.1:9443\"\n"
                + "  ssl { certfile = \"etc/certs/cert.pem\", keyfile = \"etc/certs/key.pem\", verify = required,"
                + " cacertfile = \"etc/certs/ca.pem\" }\n"
                + "  access_rules = [\"allow 10.0.0.0/8\", \"deny all\"]\n  publish_rate = 10\n}\n"
                + "listeners.ws.default.enabled = false\n");
        ListenerConfig l = ConfigLoader.load(file, Map.of()).listeners().stream()
                .filter(x -> x.id().equals("wss:browsers")).findFirst().orElseThrow();
        assertThat(l.port()).isEqualTo(9443);
        assertThat(l.tls().verify()).isEqualTo(TlsConfig.ClientVerify.REQUIRED);
        assertThat(l.tls().protocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(l.webSocket().path()).isEqualTo("/mqtt");
        assertThat(l.limits().publishRate()).isEqualTo(10.0);
        assertThat(l.access().allows(new java.net.InetSocketAddress("10.1.2.3", 1))).isTrue();
        assertThat(l.access().allows(new java.net.InetSocketAddress("192.168.1.1", 1))).isFalse();
        assertThat(ConfigLoader.load(file, Map.of()).listeners()).extracting(ListenerConfig::id)
                .doesNotContain("ws:default");
    }

    @Test
    void badListenerSettingsNameTheListenersKey() throws IOException {
        Path rule = write("listeners.tcp.default {\n  bind = \"0.0.0.0:1883\"\n  access_rules = [\"allow 10.0.0.0/33\"]\n}\n");
        assertThatThrownBy(() -> ConfigLoader.load(rule, Map.of()))
                .hasMessage(rule + ":3: listeners.tcp.default.access_rules 'allow 10.0.0.0/33': the prefix length must"
                        + " be between 0 and 32");
        Path name = write("listeners.tcp.default.access_rules = [\"deny cafe\"]\n");
        assertThatThrownBy(() -> ConfigLoader.load(name, Map.of()))
                .as("a word of hex digits is a host name, not an address: never looked up")
                .hasMessage(name + ":1: listeners.tcp.default.access_rules 'deny cafe': 'cafe' is not an IP address");
        Path version = write("listeners.ssl.default.ssl.versions = [\"TLSv1.1\"]\n");
        assertThatThrownBy(() -> ConfigLoader.load(version, Map.of()))
                .hasMessage(version + ":1: listeners.ssl.default.ssl.versions may hold TLSv1.2 and TLSv1.3, not 'TLSv1.1'");
        Path key = write("listeners.ssl.default.ssl.certfile = \"cert.pem\"\n");
        assertThatThrownBy(() -> ConfigLoader.load(key, Map.of()))
                .hasMessage(key + ":1: listeners.ssl.default.ssl.certfile needs keyfile too: a certificate and its key"
                        + " go together");
        Path unknown = write("listeners.ws.default.websocket.pth = \"/x\"\n");
        assertThatThrownBy(() -> ConfigLoader.load(unknown, Map.of()))
                .hasMessage(unknown + ":1: unknown setting 'listeners.ws.default.websocket.pth'");
        Path type = write("listeners.quic.default.bind = \"0.0.0.0:14567\"\n");
        assertThatThrownBy(() -> ConfigLoader.load(type, Map.of()))
                .hasMessage(type + ":1: unknown setting 'listeners.quic.default.bind'");
    }

    @Test
    void listenerBindMustHaveAPort() throws IOException {
        Path file = write("listeners.tcp.default.bind = \"0.0.0.0\"\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
                .hasMessage(file + ":1: listeners.tcp.default.bind must be host:port, was '0.0.0.0'");
    }

    @Test
    void reusePortIsOptionalAndTyped() throws IOException {
        assertThat(ConfigLoader.defaults(Map.of()).listeners().get(0).reusePort()).isTrue();
        Path off = write("listeners.tcp.default { bind = \"0.0.0.0:1883\", acceptors = 1, max_connections = 10,"
                + " reuse_port = false }\n");
        assertThat(ConfigLoader.load(off, Map.of()).listeners().get(0).reusePort()).isFalse();
        Path bad = write("\nlisteners.tcp.default.reuse_port = sometimes\n");
        assertThatThrownBy(() -> ConfigLoader.load(bad, Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith(bad + ":2:")
                .hasMessageContaining("reuse_port");
    }

    @Test
    void clientCertificatesWithoutTheirCaFileAreRefused() throws IOException {
        Path required = write("listeners.ssl.default.ssl {\n  certfile = \"cert.pem\", keyfile = \"key.pem\"\n"
                + "  verify = required\n  peer_cert_as_clientid = cn\n}\n");
        assertThatThrownBy(() -> ConfigLoader.load(required, Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith(required + ":3: listeners.ssl.default.ssl.verify = required needs cacertfile")
                .hasMessageContaining("any certificate a public CA issued")
                .hasMessageContaining("peer_cert_as_clientid");
        Path optional = write("listeners.wss.default.ssl.verify = optional\n");
        assertThatThrownBy(() -> ConfigLoader.load(optional, Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith(optional + ":1: listeners.wss.default.ssl.verify = optional needs cacertfile");
        Path withCa = write("listeners.ssl.default.ssl { verify = required, cacertfile = \"ca.pem\" }\n");
        assertThat(ConfigLoader.load(withCa, Map.of()).listeners()).extracting(ListenerConfig::id)
                .contains("ssl:default");
    }
}
