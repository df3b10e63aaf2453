package io.starling.it.listeners;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.starling.api.ClientInfo;
import io.starling.api.hook.HookListener;
import io.starling.broker.bootstrap.Starling;
import io.starling.broker.transport.ListenerBindException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code node.warmup_connections}: the listeners are bound while the node warms up its connect path on a
 * throwaway node, a client that connects meanwhile waits and is then served, and nothing of the warm-up's
 * connections reaches the node.
 */
class WarmupTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final LogLines log = new LogLines("io.starling");

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void aClientConnectingDuringTheWarmupWaitsAndIsServedAndTheWarmupLeavesNoTrace() throws Exception {
        int port = freePort();
        List<String> connected = new CopyOnWriteArrayList<>();
        HookListener hooks = new HookListener() {
            @Override
            public void onConnected(ClientInfo client, boolean sessionPresent) {
                connected.add(client.clientId());
            }
        };
        CompletableFuture<Starling> starting = CompletableFuture.supplyAsync(() -> Starling.builder()
                .config("node.warmup_connections = 20000\nnode.warmup_max_time = 60s")
                .host("127.0.0.1").port(port).dataDir(dir).warmup(true).hookListener(hooks).start());
        Starling node = null;
        try {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5))
                    .until(() -> accepts(port) || starting.isDone());
            boolean duringWarmup = !starting.isDone();
            Mqtt5BlockingClient client = Mqtt5Client.builder().identifier("after-warmup").serverHost("127.0.0.1")
                    .serverPort(port).buildBlocking();
            client.connect();
            node = starting.get(60, TimeUnit.SECONDS);

            assertThat(duringWarmup).as("the port was bound while the warm-up ran").isTrue();
            assertThat(log.await("warmed up the connect path: 20000 connections")).isNotNull();
            assertThat(connected).as("the node's hooks saw only the real client").containsExactly("after-warmup");
            Starling started = node;
            // The port probes above wait in the accept queue too, and close as soon as they are accepted.
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(started.stats().snapshot())
                    .containsEntry("sessions/count", 1L).containsEntry("connections/count", 1L));
            assertThat(log.lines().stream().filter(l -> l.contains(" started (config: ")))
                    .as("the throwaway node does not announce itself").hasSize(1);
            List<String> shown = log.infoLines();
            assertThat(shown).as("the throwaway nodes' listeners stay at debug")
                    .noneMatch(l -> l.contains("tcp:warmup"));
            assertThat(shown.stream().filter(l -> l.startsWith("storage: ")))
                    .as("only the node's own storage is announced").hasSize(1);
            assertThat(shown.stream().filter(l -> l.startsWith("restored ")))
                    .as("only the node's own restore is announced").hasSize(1);
            client.disconnect();
        } finally {
            (node != null ? node : starting.get(60, TimeUnit.SECONDS)).close();
        }
    }

    @Test
    void aTakenPortFailsTheStartBeforeTheWarmup() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            assertThatThrownBy(() -> Starling.builder().config("node.warmup_connections = 20000")
                    .host("127.0.0.1").port(taken.getLocalPort()).dataDir(dir).warmup(true).start())
                    .isInstanceOf(ListenerBindException.class);
        }
        assertThat(log.lines()).noneMatch(l -> l.contains("warmed up"));
    }
}
