package io.starling.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.starling.broker.bootstrap.Starling;
import io.starling.broker.routing.Subscription;
import io.starling.broker.session.ClientConnection;
import io.starling.broker.session.Session;
import io.starling.broker.session.SessionRegistry;
import io.starling.codec.MqttProperties;
import io.starling.codec.MqttVersion;
import io.starling.codec.PacketEncoder;
import io.starling.codec.ReasonCode;
import io.starling.codec.packet.ConnAckPacket;
import io.starling.codec.packet.ConnectPacket;
import io.starling.codec.packet.DisconnectPacket;
import io.starling.codec.packet.MqttPacket;
import io.starling.codec.packet.SubscribePacket;
import io.starling.codec.packet.TopicSubscription;
import io.starling.testkit.RawClient;
import io.starling.testkit.StarlingExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Many CONNECTs of the same client ids at once, spread by the kernel over the node's two network threads: however
 * they interleave, each id ends with one session and one live connection, every other connection is told 0x8E
 * and closed, and the route table holds exactly the subscriptions of the sessions in the registry.
 */
class TakeoverRaceTest {

    private static final int IDS = 100;
    private static final int CONNECTS_PER_ID = 100;
    /** Connects of one id in flight at once: 1,000 sockets per wave keeps far below the fd limit. */
    private static final int PER_WAVE = 10;

    @RegisterExtension
    static final StarlingExtension BROKER = StarlingExtension.create();

    /** One racing connection, with the id it claims. */
    private record Attempt(String clientId, RawClient client) {
    }

    @Test
    void tenThousandRacingConnectsLeaveOneSessionAndOneConnectionPerId() throws Exception {
        Starling node = BROKER.node();
        SessionRegistry sessions = node.services().sessions();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < IDS; i++) {
            ids.add(Clients.id("race"));
        }
        Random random = new Random(23);
        Map<String, Attempt> winners = new HashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int wave = 0; wave < CONNECTS_PER_ID / PER_WAVE; wave++) {
                List<Integer> order = new ArrayList<>();
                for (int n = 0; n < IDS * PER_WAVE; n++) {
                    order.add(n);
                }
                Collections.shuffle(order, random);
                List<Future<Attempt>> started = new ArrayList<>();
                for (int n : order) {
                    String id = ids.get(n % IDS);
                    // Half resume the session, half start clean: both paths race.
                    boolean cleanStart = (n / IDS) % 2 == 0;
                    started.add(pool.submit(() -> connect(id, cleanStart)));
                }
                List<Attempt> attempts = new ArrayList<>(winners.values());
                for (Future<Attempt> f : started) {
                    Attempt a = f.get();
                    assertThat(a.client().receive(ConnAckPacket.class).reasonCode()).isEqualTo(ReasonCode.SUCCESS);
                    attempts.add(a);
                }
                await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).atMost(Clients.TIMEOUT)
                        .until(() -> ids.stream().allMatch(id -> livePort(sessions, id) > 0));
                winners.clear();
                for (Attempt a : attempts) {
                    if (a.client().localPort() == livePort(sessions, a.clientId())) {
                        assertThat(winners.put(a.clientId(), a)).as("one live connection per id").isNull();
                        continue;
                    }
                    List<MqttPacket> last = a.client().awaitClosed();
                    assertThat(last).as("a connection that lost the race for %s", a.clientId()).isNotEmpty();
                    assertThat(last.get(last.size() - 1)).isInstanceOfSatisfying(DisconnectPacket.class,
                            d -> assertThat(d.reasonCode()).isEqualTo(ReasonCode.SESSION_TAKEN_OVER));
                    a.client().close();
                }
                assertThat(winners).hasSize(IDS);
            }

            assertThat(sessions.size()).isEqualTo(IDS);
            List<Subscription> routes = raceRoutes(node);
            assertThat(routes).hasSize(IDS);
            for (Subscription s : routes) {
                String id = s.topicFilter().substring("race/".length());
                assertThat(s.destination()).as("the route of %s goes to its session", id).isSameAs(sessions.get(id));
            }
            await().atMost(Clients.TIMEOUT).until(() -> openConnections(node) == IDS);
        } finally {
            pool.shutdownNow();
            for (Attempt a : winners.values()) {
                a.client().send(new DisconnectPacket(ReasonCode.SUCCESS,
                        MqttProperties.builder().sessionExpiryInterval(0L).build()));
                a.client().close();
            }
        }
        await().atMost(Clients.TIMEOUT).until(() -> sessions.size() == 0);
        assertThat(raceRoutes(node)).as("no route left behind").isEmpty();
    }

    private static Attempt connect(String id, boolean cleanStart) {
        RawClient client = RawClient.open(BROKER.port(), MqttVersion.MQTT_5);
        MqttProperties props = cleanStart ? MqttProperties.NONE
                : MqttProperties.builder().sessionExpiryInterval(60L).build();
        // One write: the SUBSCRIBE waits in the node's backlog while the CONNECT is handled, as from a real client.
        byte[] connect = encode(new ConnectPacket(MqttVersion.MQTT_5, id, cleanStart, 60, null, null, null, props));
        byte[] subscribe = encode(new SubscribePacket(1, List.of(TopicSubscription.of("race/" + id, 1)),
                MqttProperties.NONE));
        byte[] both = Arrays.copyOf(connect, connect.length + subscribe.length);
        System.arraycopy(subscribe, 0, both, connect.length, subscribe.length);
        client.sendBytes(both);
        return new Attempt(id, client);
    }

    private static byte[] encode(MqttPacket packet) {
        ByteBuf buf = Unpooled.buffer();
        try {
            PacketEncoder.encode(packet, MqttVersion.MQTT_5, buf);
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    /** The client port of the connection attached to the id's session, or 0. */
    private static int livePort(SessionRegistry sessions, String id) {
        Session s = sessions.get(id);
        ClientConnection c = s == null ? null : s.connection();
        return c == null ? 0 : c.client().remoteAddress().getPort();
    }

    private static List<Subscription> raceRoutes(Starling node) {
        return node.services().router().subscriptions().stream()
                .filter(s -> s.topicFilter().startsWith("race/")).toList();
    }

    private static int openConnections(Starling node) {
        return node.listenerStatus().stream().mapToInt(Starling.ListenerStatus::connections).sum();
    }
}
