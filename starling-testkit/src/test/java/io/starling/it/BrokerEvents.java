package io.starling.it;

import static org.awaitility.Awaitility.await;

import io.starling.api.ClientInfo;
import io.starling.api.hook.HookListener;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Observes the node through its hook SPI, so that a test can wait for the broker to have finished something
 * (handled a connection's close, so its will if any has been routed; taken a subscription from a command-line
 * client that prints nothing) instead of sleeping. Register with
 * {@code StarlingExtension.create(b -> b.hookListener(EVENTS))}.
 */
final class BrokerEvents implements HookListener {
    private final Map<String, AtomicInteger> disconnects = new ConcurrentHashMap<>();
    private final Set<String> subscriptions = ConcurrentHashMap.newKeySet();

    @Override
    public void onDisconnected(ClientInfo client, String reason) {
        disconnects.computeIfAbsent(client.clientId(), k -> new AtomicInteger()).incrementAndGet();
    }

    @Override
    public void onSubscribe(ClientInfo client, String topicFilter, int grantedQos) {
        subscriptions.add(client.clientId() + " " + topicFilter);
    }

    int disconnects(String clientId) {
        AtomicInteger n = disconnects.get(clientId);
        return n == null ? 0 : n.get();
    }

    /** Waits until the node has handled the close of the client's connection number {@code n} (from 1). */
    void awaitDisconnects(String clientId, int n) {
        await().atMost(Clients.TIMEOUT).pollInterval(Duration.ofMillis(10)).until(() -> disconnects(clientId) >= n);
    }

    /** Waits until the node has handled the close of the client's first connection. */
    void awaitDisconnected(String clientId) {
        awaitDisconnects(clientId, 1);
    }

    /** Waits until the client's subscription to the filter is in place. */
    void awaitSubscribed(String clientId, String topicFilter) {
        await().atMost(Clients.TIMEOUT).pollInterval(Duration.ofMillis(10))
                .until(() -> subscriptions.contains(clientId + " " + topicFilter));
    }
}
