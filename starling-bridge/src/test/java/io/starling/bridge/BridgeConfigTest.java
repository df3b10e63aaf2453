package io.starling.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.starling.broker.config.BridgeConfig;
import io.starling.broker.config.BridgeConfig.Direction;
import io.starling.broker.config.ConfigLoader;
import io.starling.broker.config.ConfigurationException;
import io.starling.broker.config.DropPolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** bridges.<name> read from HOCON: defaults, Mosquitto's rule syntax, and errors that name the line. */
class BridgeConfigTest {

    @Test
    void aBridgeOverTheDefaults() {
        BridgeConfig b = ConfigLoader.fromString("""
                bridges.cloud {
                  addresses = ["broker.example.com:1883", "[::1]:1884"]
                  protocol = "3.1.1"
                  topics = ["sensors/# out 1 edge/ site1/", "cmd/# in 2", "# both 0 \\"\\" mirror/", "all"]
                  queue { max_messages = 500, max_bytes = 2MB, when_full = drop_newest }
                }
                """).bridges().get(0);
        assertThat(b.name()).isEqualTo("cloud");
        assertThat(b.addresses()).extracting(BridgeConfig.Address::toString)
                .containsExactly("broker.example.com:1883", "[::1]:1884");
        assertThat(b.protocolVersion()).isEqualTo(4);
        assertThat(b.tryPrivate()).isTrue();
        assertThat(b.cleanStart()).isFalse();
        assertThat(b.clientId()).isEqualTo("starling@127.0.0.1.cloud");
        assertThat(b.localClientId()).isEqualTo("bridge:cloud");
        assertThat(b.keepalive()).isEqualTo(Duration.ofSeconds(60));
        assertThat(b.queueMaxMessages()).isEqualTo(500);
        assertThat(b.queueMaxBytes()).isEqualTo(2_000_000L);
        assertThat(b.whenFull()).isEqualTo(DropPolicy.DROP_NEWEST);
        assertThat(b.notificationTopic()).isEqualTo("$SYS/broker/connection/starling@127.0.0.1.cloud/state");
        BridgeConfig.TopicRule sensors = b.topics().get(0);
        assertThat(sensors.localFilter()).isEqualTo("edge/sensors/#");
        assertThat(sensors.remoteFilter()).isEqualTo("site1/sensors/#");
        assertThat(sensors.toRemote("edge/sensors/t")).isEqualTo("site1/sensors/t");
        assertThat(b.topics().get(1).direction()).isEqualTo(Direction.IN);
        assertThat(b.topics().get(1).qos()).isEqualTo(2);
        assertThat(b.topics().get(2).localFilter()).isEqualTo("#");
        assertThat(b.topics().get(2).remoteFilter()).isEqualTo("mirror/#");
        assertThat(b.topics().get(3).direction()).isEqualTo(Direction.OUT);
        assertThat(b.topics().get(3).qos()).isZero();
    }

    @Test
    void noBridgesByDefault() {
        assertThat(ConfigLoader.fromString("").bridges()).isEmpty();
    }

    @Test
    void aBadRuleFailsWithItsLineAndWhatIsWrong() {
        assertThatThrownBy(() -> ConfigLoader.fromString("""
                bridges.b {
                  addresses = ["h:1883"]
                  topics = ["a/# sideways 1"]
                }
                """)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(":3: bridges.b.topics rule 'a/# sideways 1': direction must be out, in or both");
        assertThatThrownBy(() -> ConfigLoader.fromString("bridges.b { addresses = [\"h:1883\"], topics = [\"a out 3\"] }"))
                .hasMessageContaining("QoS must be 0, 1 or 2");
        assertThatThrownBy(() -> ConfigLoader.fromString("bridges.b { addresses = [\"h:1883\"], topics = [\"a out 1 x/# y/\"] }"))
                .hasMessageContaining("a prefix must not hold wildcards");
        assertThatThrownBy(() -> ConfigLoader.fromString("bridges.b { addresses = [\"h\"], topics = [\"a\"] }"))
                .hasMessageContaining("bridges.b.addresses must hold \"host:port\" entries");
        assertThatThrownBy(() -> ConfigLoader.fromString("bridges.b { topics = [\"a\"] }"))
                .hasMessageContaining("bridges.b.addresses must name at least one remote broker");
        assertThatThrownBy(() -> ConfigLoader.fromString("bridges.b { addresses = [\"h:1\"], topics = [\"a\"], "
                + "protocol = 4.1 }")).hasMessageContaining("bridges.b.protocol must be \"5\" or \"3.1.1\"");
    }

    @Test
    void anUnknownSettingOfABridgeIsRefused() {
        assertThatThrownBy(() -> ConfigLoader.fromString("bridges.b { addresses = [\"h:1\"], topics = [\"a\"],"
                + " try_privat = true }")).hasMessageContaining("unknown setting 'bridges.b.try_privat'");
    }
}
