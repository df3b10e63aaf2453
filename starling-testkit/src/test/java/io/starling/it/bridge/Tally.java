package io.starling.it.bridge;

import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A subscriber on one side of a bridge that counts how often each payload arrived. */
final class Tally {
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final Map<String, Boolean> retainFlags = new ConcurrentHashMap<>();

    /** A HiveMQ MQTT 5 client connected to 127.0.0.1:port. */
    static Mqtt5AsyncClient client(String clientId, int port) {
        Mqtt5AsyncClient c = Mqtt5Client.builder().identifier(clientId).serverHost("127.0.0.1").serverPort(port)
                .buildAsync();
        join(c.connect());
        return c;
    }

    /** Subscribes the client to the filter at QoS 1 and counts what arrives; returns once SUBACK came. */
    static Tally subscribe(Mqtt5AsyncClient client, String filter) {
        Tally t = new Tally();
        join(client.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).callback(p -> {
            String payload = new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
            t.counts.computeIfAbsent(payload, k -> new AtomicInteger()).incrementAndGet();
            t.retainFlags.put(payload, p.isRetain());
        }).send());
        return t;
    }

    static <T> T join(java.util.concurrent.CompletableFuture<T> f) {
        try {
            return f.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    int count(String payload) {
        AtomicInteger n = counts.get(payload);
        return n == null ? 0 : n.get();
    }

    /** The retain flag of the payload's last arrival; null when it never came. */
    Boolean retain(String payload) {
        return retainFlags.get(payload);
    }

    /** Waits until every payload arrived at least once. */
    void awaitAll(Collection<String> payloads) {
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(20))
                .until(() -> payloads.stream().allMatch(p -> count(p) > 0));
    }

    /** Payloads that arrived other than once, with their counts; empty when each arrived exactly once. */
    Map<String, Integer> notOnce(Collection<String> expected) {
        Map<String, Integer> odd = new TreeMap<>();
        for (String p : expected) {
            if (count(p) != 1) {
                odd.put(p, count(p));
            }
        }
        counts.forEach((p, n) -> {
            if (!expected.contains(p)) {
                odd.put(p, n.get());
            }
        });
        return odd;
    }
}
