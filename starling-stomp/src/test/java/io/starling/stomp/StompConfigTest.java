package io.starling.stomp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.starling.broker.config.ConfigLoader;
import io.starling.broker.config.ConfigurationException;
import io.starling.broker.config.StompConfig;
import io.starling.stomp.frame.FrameException;
import org.junit.jupiter.api.Test;

/** The stomp section: its defaults, its errors (with the line), and the destination mapping it sets up. */
class StompConfigTest {

    @Test
    void offByDefaultOnPort61613() {
        StompConfig c = ConfigLoader.fromString("").stomp();
        assertThat(c.enabled()).isFalse();
        assertThat(c.tcp().port()).isEqualTo(61613);
        assertThat(c.ssl()).isNull();
        assertThat(c.maxFrameBytes()).isEqualTo(1_000_000);
        assertThat(c.heartbeatSend().toSeconds()).isEqualTo(10);
    }

    @Test
    void sockJsIsOffByDefaultOnPort61616() {
        StompConfig.SockJs s = ConfigLoader.fromString("").stomp().sockjs();
        assertThat(s.enabled()).isFalse();
        assertThat(s.bind().port()).isEqualTo(61616);
        assertThat(s.path()).isEqualTo("/stomp");
        assertThat(s.heartbeat().toSeconds()).isEqualTo(25);
        assertThat(s.disconnectDelay().toSeconds()).isEqualTo(5);
        assertThat(s.tls()).isNull();
        // SockJS alone is something to listen on.
        StompConfig only = ConfigLoader.fromString("stomp { enabled = true, tcp.enabled = false, sockjs.enabled = true }")
                .stomp();
        assertThat(only.tcp()).isNull();
        assertThat(only.sockjs().enabled()).isTrue();
        assertThatThrownBy(() -> ConfigLoader.fromString("\n\nstomp.sockjs.path = \"stomp/\""))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("config:3")
                .hasMessageContaining("stomp.sockjs.path");
        assertThatThrownBy(() -> ConfigLoader.fromString("stomp { enabled = true, sockjs { enabled = true, tls = true } }"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("stomp.sockjs.tls");
        assertThatThrownBy(() -> ConfigLoader.fromString("stomp.sockjs.heartbeat = 0s"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("stomp.sockjs.heartbeat");
    }

    @Test
    void theShippedFileLeavesItOffAndTurnsOnAsDocumented() throws Exception {
        java.nio.file.Path shipped = java.nio.file.Path.of("../starling-dist/src/main/dist/etc/starling.conf");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.exists(shipped), "not in the source tree");
        assertThat(ConfigLoader.load(shipped, java.util.Map.of()).stomp().enabled()).isFalse();
        StompConfig on = ConfigLoader.load(shipped, java.util.Map.of("STARLING_STOMP__ENABLED", "true")).stomp();
        assertThat(on.enabled()).isTrue();
        assertThat(on.tcp().port()).isEqualTo(61613);
        assertThat(on.ssl()).isNull();
        assertThat(on.sockjs().enabled()).isFalse();
        StompConfig sockjs = ConfigLoader.load(shipped, java.util.Map.of("STARLING_STOMP__ENABLED", "true",
                "STARLING_STOMP__SOCKJS__ENABLED", "true")).stomp();
        assertThat(sockjs.sockjs().enabled()).isTrue();
        assertThat(sockjs.sockjs().bind().port()).isEqualTo(61616);
    }

    @Test
    void badSettingsFailWithTheirLine() {
        assertThatThrownBy(() -> ConfigLoader.fromString("\nstomp.destinations.separator = \"|\""))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("config:2")
                .hasMessageContaining("stomp.destinations.separator");
        assertThatThrownBy(() -> ConfigLoader.fromString("stomp { enabled = true, tcp.enabled = false }"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("nothing to listen on");
        assertThatThrownBy(() -> ConfigLoader.fromString("stomp { enabled = true, ssl.enabled = true }"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("stomp.ssl");
        assertThatThrownBy(() -> ConfigLoader.fromString("stomp.heartbeat.tolerance = 0.5"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> ConfigLoader.fromString("stomp.max_frame = 1MB"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("stomp.max_frame");
    }

    @Test
    void destinationsMapToTopicsAndBack() {
        Destinations d = Destinations.of(ConfigLoader.fromString("").stomp());
        assertThat(d.topicFor("/topic/a.b")).isEqualTo("a/b");
        assertThat(d.filterFor("/topic/a.*")).isEqualTo("a/+");
        assertThat(d.filterFor("/topic/a.#")).isEqualTo("a/#");
        assertThat(d.filterFor("/topic/*.x.*")).isEqualTo("+/x/+");
        assertThat(d.topicFor("/queue/jobs.eu")).isEqualTo("jobs/eu");
        assertThat(d.filterFor("/queue/jobs.eu")).isEqualTo("$queue/jobs/eu");
        assertThat(d.topicFor("sensors/1/temp")).isEqualTo("sensors/1/temp");
        assertThat(d.filterFor("$share/g/sensors/+")).isEqualTo("$share/g/sensors/+");
        assertThat(d.destinationFor("a/b", Destinations.Style.TOPIC)).isEqualTo("/topic/a.b");
        assertThat(d.destinationFor("jobs/eu", Destinations.Style.QUEUE)).isEqualTo("/queue/jobs.eu");
        assertThat(d.destinationFor("a/b", Destinations.Style.PLAIN)).isEqualTo("a/b");
        assertThatThrownBy(() -> d.topicFor("/topic/a.*")).isInstanceOf(FrameException.class);
        assertThatThrownBy(() -> d.topicFor("/topic/")).isInstanceOf(FrameException.class);
        assertThatThrownBy(() -> d.filterFor("/topic/a.#.b")).isInstanceOf(FrameException.class);
        Destinations slashes = Destinations.of(ConfigLoader.fromString("stomp.destinations.separator = \"/\"").stomp());
        assertThat(slashes.filterFor("/topic/v1.2/*")).isEqualTo("v1.2/+");
        assertThat(slashes.destinationFor("v1.2/x", Destinations.Style.TOPIC)).isEqualTo("/topic/v1.2/x");
    }
}
