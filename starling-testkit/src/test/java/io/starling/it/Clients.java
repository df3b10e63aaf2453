package io.starling.it;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.starling.codec.packet.ConnAckPacket;
import io.starling.codec.packet.ConnectPacket;
import io.starling.testkit.RawClient;
import io.starling.testkit.StarlingExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;

/** Shared helpers for the black-box tests: HiveMQ clients bound to the test node, and receive helpers. */
final class Clients {
    /** How long a test waits for something that should happen. */
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** How long a test waits to be sure something does not happen, where no later message can prove it. */
    static final Duration QUIET = Duration.ofMillis(300);

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private Clients() {
    }

    /** A client id unique in the JVM, readable in logs. */
    static String id(String prefix) {
        return prefix + "-" + COUNTER.incrementAndGet();
    }

    /** A topic unique in the JVM, so that tests sharing a node never see each other's messages. */
    static String topic(String prefix) {
        return "it/" + prefix + "/" + COUNTER.incrementAndGet();
    }

    static Mqtt5BlockingClient v5(StarlingExtension broker, String clientId) {
        return Mqtt5Client.builder().identifier(clientId).serverHost(broker.host()).serverPort(broker.port())
                .buildBlocking();
    }

    static Mqtt3BlockingClient v3(StarlingExtension broker, String clientId) {
        return Mqtt3Client.builder().identifier(clientId).serverHost(broker.host()).serverPort(broker.port())
                .buildBlocking();
    }

    /** A connected MQTT 5 client with a clean start and no session expiry. */
    static Mqtt5BlockingClient connectedV5(StarlingExtension broker, String clientId) {
        Mqtt5BlockingClient client = v5(broker, clientId);
        client.connect();
        return client;
    }

    static Mqtt3BlockingClient connectedV3(StarlingExtension broker, String clientId) {
        Mqtt3BlockingClient client = v3(broker, clientId);
        client.connect();
        return client;
    }

    /** A raw client that sent the given CONNECT and was accepted. */
    static RawClient raw(StarlingExtension broker, ConnectPacket connect) {
        RawClient client = RawClient.open(broker.port(), connect.version());
        client.send(connect);
        ConnAckPacket ack = client.receive(ConnAckPacket.class);
        if (ack.reasonCode() != 0) {
            client.close();
            throw new AssertionError("connection refused: " + ack);
        }
        return client;
    }

    /**
     * Waits until {@code after} has passed since {@code startNanos}. For tests whose subject is time itself (will
     * delay, message expiry), never to wait for the node to catch up.
     */
    static void waitUntil(long startNanos, Duration after) {
        long deadline = startNanos + after.toNanos();
        Awaitility.await().atMost(after.plusSeconds(1)).pollInterval(Duration.ofMillis(50))
                .until(() -> System.nanoTime() - deadline >= 0);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(Mqtt5Publish p) {
        return new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
    }

    static String text(Mqtt3Publish p) {
        return new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
    }

    /** The next message, failing the test if none arrives in time. */
    static Mqtt5Publish receive(Mqtt5BlockingClient.Mqtt5Publishes publishes) {
        try {
            Optional<Mqtt5Publish> p = publishes.receive(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return p.orElseThrow(() -> new AssertionError("no message within " + TIMEOUT));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static Mqtt3Publish receive(Mqtt3BlockingClient.Mqtt3Publishes publishes) {
        try {
            Optional<Mqtt3Publish> p = publishes.receive(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return p.orElseThrow(() -> new AssertionError("no message within " + TIMEOUT));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The next message if one arrives within {@code timeout}. */
    static Optional<Mqtt5Publish> poll(Mqtt5BlockingClient.Mqtt5Publishes publishes, Duration timeout) {
        try {
            return publishes.receive(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static Mqtt5BlockingClient.Mqtt5Publishes publishes(Mqtt5BlockingClient client) {
        return client.publishes(MqttGlobalPublishFilter.ALL);
    }

    static Mqtt3BlockingClient.Mqtt3Publishes publishes(Mqtt3BlockingClient client) {
        return client.publishes(MqttGlobalPublishFilter.ALL);
    }

    /** Disconnects if still connected; for finally blocks. */
    static void closeQuietly(Mqtt5BlockingClient client) {
        try {
            if (client.getState().isConnected()) {
                client.disconnect();
            }
        } catch (RuntimeException e) {
            // already gone
        }
    }

    static void closeQuietly(Mqtt3BlockingClient client) {
        try {
            if (client.getState().isConnected()) {
                client.disconnect();
            }
        } catch (RuntimeException e) {
            // already gone
        }
    }
}
