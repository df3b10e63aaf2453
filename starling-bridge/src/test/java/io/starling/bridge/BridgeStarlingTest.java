package io.starling.bridge;

import static io.starling.bridge.Nodes.bridge;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import io.starling.bridge.Clients.Got;
import io.starling.broker.bootstrap.Starling;
import io.starling.broker.session.Session;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One Starling bridged to another. */
class BridgeStarlingTest {
    private final Nodes nodes = new Nodes();

    @AfterEach
    void stop() {
        nodes.close();
    }

    @Test
    void theRemotesReceiveMaximumBoundsWhatIsInFlight() throws Exception {
        Starling remote = nodes.start("mqtt.receive_maximum = 3\n");
        Starling node = nodes.start(bridge("s", remote.port(), "5", "", "rm/# out 2"));
        await().atMost(Duration.ofSeconds(10)).until(() -> node.bridges().list().get(0).state().equals("connected"));
        List<Got> atRemote = Clients.subscribe(remote.port(), "rm/#", 2);
        Session session = node.services().sessions().get("bridge:s");
        AtomicInteger most = new AtomicInteger();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                most.accumulateAndGet(session.inflightCount(), Math::max);
                Thread.onSpinWait();
            }
        });
        sampler.start();
        Mqtt5AsyncClient local = Clients.connect(node.port());
        List<CompletableFuture<?>> acks = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            acks.add(local.publishWith().topic("rm/" + (i % 7)).payload(("m" + i).getBytes(StandardCharsets.UTF_8))
                    .qos(MqttQos.EXACTLY_ONCE).send());
        }
        CompletableFuture.allOf(acks.toArray(new CompletableFuture<?>[0])).join();
        await().atMost(Duration.ofSeconds(30)).until(() -> atRemote.size() == 500);
        sampling.set(false);
        sampler.join();
        assertThat(most.get()).isBetween(1, 3);
        // Going past it would have made the remote disconnect the bridge (0x93).
        assertThat(node.bridges().list().get(0).reconnects()).isZero();
        assertThat(atRemote).doesNotHaveDuplicates();
    }

    @Test
    void twoStarlingsBridgedBothWaysDeliverEachMessageOnceOnEachSide() {
        Starling remote = nodes.start("");
        Starling node = nodes.start(bridge("s", remote.port(), "5", "", "both/# both 1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> node.bridges().list().get(0).state().equals("connected"));
        List<Got> atRemote = Clients.subscribe(remote.port(), "both/#", 1);
        List<Got> atLocal = Clients.subscribe(node.port(), "both/#", 1);
        Clients.publish(Clients.connect(node.port()), "both/a", "from-local", 1, false);
        Clients.publish(Clients.connect(remote.port()), "both/b", "from-remote", 1, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> atRemote.size() == 2 && atLocal.size() == 2);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2))
                .until(() -> atRemote.size() == 2 && atLocal.size() == 2);
    }

    @Test
    void whatComesInIsAuthorizedAsTheBridge(@TempDir Path dir) throws Exception {
        Path acl = Files.writeString(dir.resolve("acl.conf"), "rules = [{ permission = deny, who = { clientid ="
                + " \"bridge:s\" }, action = publish, topics = [\"in/secret/#\"] }]\n");
        Starling remote = nodes.start("");
        Starling node = nodes.start("authorization.acl_file = \"" + acl + "\"\n"
                + bridge("s", remote.port(), "5", "", "in/# in 1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> node.bridges().list().get(0).state().equals("connected"));
        List<Got> atLocal = Clients.subscribe(node.port(), "in/#", 1);
        Mqtt5AsyncClient publisher = Clients.connect(remote.port());
        Clients.publish(publisher, "in/secret/x", "no", 1, false);
        Clients.publish(publisher, "in/open/x", "yes", 1, false);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(atLocal)
                .containsExactly(new Got("in/open/x", "yes", false)));
        assertThat(node.bridges().list().get(0).received()).isEqualTo(1);
    }

    /**
     * The bridge's local session is the node's own: a client that connects as {@code bridge:<name>} would otherwise
     * resume it and receive what waits for the remote. It is refused (0x85), and the bridge goes on.
     */
    @Test
    void aClientCannotTakeTheBridgesOwnClientId() {
        Starling remote = nodes.start("");
        Starling node = nodes.start(bridge("s", remote.port(), "5", "", "own/# out 1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> node.bridges().list().get(0).state().equals("connected"));
        Mqtt5BlockingClient thief = Mqtt5Client.builder().identifier("bridge:s").serverHost("127.0.0.1")
                .serverPort(node.port()).buildBlocking();
        assertThatThrownBy(() -> thief.connectWith().cleanStart(false).sessionExpiryInterval(600).send())
                .isInstanceOfSatisfying(Mqtt5ConnAckException.class, e -> assertThat(e.getMqttMessage().getReasonCode())
                        .isEqualTo(Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID));
        List<Got> atRemote = Clients.subscribe(remote.port(), "own/#", 1);
        Clients.publish(Clients.connect(node.port()), "own/x", "still bridged", 1, false);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(atRemote)
                .containsExactly(new Got("own/x", "still bridged", false)));
        assertThat(node.bridges().list().get(0).reconnects()).isZero();
    }

    @Test
    void aRemoteThatRefusesTheBridgeBitIsReachedAsAPlainClient() {
        Starling remote = nodes.start("");
        Starling node = nodes.start(bridge("s", remote.port(), "3.1.1", "", "plain/# out 1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> node.bridges().list().get(0).state().equals("connected"));
        List<Got> atRemote = Clients.subscribe(remote.port(), "plain/#", 1);
        Clients.publish(Clients.connect(node.port()), "plain/x", "hello", 1, false);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(atRemote)
                .containsExactly(new Got("plain/x", "hello", false)));
    }

    @Test
    void stopAndStartFromTheControlCommands() {
        Starling remote = nodes.start("");
        Starling node = nodes.start(bridge("s", remote.port(), "5", "", "ctl/# out 1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> node.bridges().list().get(0).state().equals("connected"));
        var commands = new io.starling.broker.control.ControlCommands(node);
        assertThat(commands.run(List.of("bridges", "stop", "s")).code()).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> node.bridges().list().get(0).state().equals("stopped"));
        List<Got> atRemote = Clients.subscribe(remote.port(), "ctl/#", 1);
        Clients.publish(Clients.connect(node.port()), "ctl/x", "queued", 1, false);
        assertThat(node.bridges().list().get(0).queued()).isEqualTo(1);
        assertThat(commands.run(List.of("bridges", "start", "s")).code()).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> atRemote.size() == 1);
        var list = commands.run(List.of("bridges"));
        assertThat(list.output()).contains("s", "connected", "127.0.0.1:" + remote.port());
        assertThat(commands.run(List.of("bridges", "stop", "nope")).code()).isEqualTo(1);
    }
}
