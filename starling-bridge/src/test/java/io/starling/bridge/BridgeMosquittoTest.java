package io.starling.bridge;

import static io.starling.bridge.Nodes.bridge;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import io.starling.bridge.Clients.Got;
import io.starling.broker.bootstrap.Starling;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Starling bridging out to and in from Debian's Mosquitto, over MQTT 3.1.1 (with the bridge bit) and 5. */
class BridgeMosquittoTest {
    private final Nodes nodes = new Nodes();
    private Mosquitto mosquitto;

    @BeforeEach
    void startMosquitto() throws Exception {
        mosquitto = Mosquitto.start("");
    }

    @AfterEach
    void stop() throws Exception {
        nodes.close();
        if (mosquitto != null) {
            mosquitto.close();
        }
    }

    static void awaitConnected(Starling node) {
        await().atMost(Duration.ofSeconds(10)).until(() -> node.bridges().list().get(0).state().equals("connected"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.1.1", "5"})
    void messagesFlowBothWaysRemappedWithTheRetainFlag(String protocol) {
        Starling node = nodes.start(bridge("m", mosquitto.port(), protocol, "",
                "# out 1 sensors/ remote/sensors/", "# in 1 cmd/ remote/cmd/"));
        awaitConnected(node);
        List<Got> atRemote = Clients.subscribe(mosquitto.port(), "remote/#", 1);
        List<Got> atLocal = Clients.subscribe(node.port(), "#", 1);
        Mqtt5AsyncClient local = Clients.connect(node.port());
        Mqtt5AsyncClient remote = Clients.connect(mosquitto.port());

        Clients.publish(local, "sensors/a/temp", "21.5", 1, false);
        Clients.publish(local, "sensors/b/temp", "kept", 1, true);
        Clients.publish(remote, "remote/cmd/valve", "open", 1, false);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(atRemote).contains(
                new Got("remote/sensors/a/temp", "21.5", false), new Got("remote/sensors/b/temp", "kept", true)));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(atLocal)
                .contains(new Got("cmd/valve", "open", false)));
        // Mosquitto stored the retained one under its remote name: a new subscriber gets it, flag set.
        List<Got> late = Clients.subscribe(mosquitto.port(), "remote/sensors/b/#", 1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(late)
                .containsExactly(new Got("remote/sensors/b/temp", "kept", true)));
        // What came in (cmd/valve) matches no out rule here; and nothing went out twice.
        assertThat(atRemote).filteredOn(g -> g.topic().equals("remote/sensors/a/temp")).hasSize(1);
        assertThat(node.bridges().list().get(0).forwarded()).isEqualTo(2);
        assertThat(node.bridges().list().get(0).received()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.1.1", "5"})
    void bridgedBothWaysOnTheSameTopicsEachSubscriberGetsEachMessageOnce(String protocol) {
        Starling node = nodes.start(bridge("m", mosquitto.port(), protocol, "", "loop/# both 1"));
        awaitConnected(node);
        List<Got> atRemote = Clients.subscribe(mosquitto.port(), "loop/#", 1);
        List<Got> atLocal = Clients.subscribe(node.port(), "loop/#", 1);
        Mqtt5AsyncClient local = Clients.connect(node.port());
        Mqtt5AsyncClient remote = Clients.connect(mosquitto.port());

        for (int i = 0; i < 5; i++) {
            Clients.publish(local, "loop/from-starling", "s" + i, 1, false);
            Clients.publish(remote, "loop/from-mosquitto", "m" + i, 1, false);
        }

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(atLocal).hasSize(10);
            assertThat(atRemote).hasSize(10);
        });
        // A loop would bring copies back within milliseconds: none come in a second.
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
            assertThat(atLocal).hasSize(10).doesNotHaveDuplicates();
            assertThat(atRemote).hasSize(10).doesNotHaveDuplicates();
        });
    }
}
