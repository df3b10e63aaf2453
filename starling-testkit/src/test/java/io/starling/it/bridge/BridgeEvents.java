package io.starling.it.bridge;

import static org.awaitility.Awaitility.await;

import io.starling.api.ClientInfo;
import io.starling.api.hook.HookListener;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** What the node's hooks saw of the clients: every CONNACK's reason, who connected, and the subscriptions made. */
final class BridgeEvents implements HookListener {
    private final Map<String, List<Integer>> connacks = new ConcurrentHashMap<>();
    private final Map<String, ClientInfo> connected = new ConcurrentHashMap<>();
    private final Set<String> subscriptions = ConcurrentHashMap.newKeySet();

    @Override
    public void onConnack(ClientInfo client, int reasonCode) {
        connacks.computeIfAbsent(client.clientId(), k -> new CopyOnWriteArrayList<>()).add(reasonCode);
    }

    @Override
    public void onConnected(ClientInfo client, boolean sessionPresent) {
        connected.put(client.clientId(), client);
    }

    @Override
    public void onSubscribe(ClientInfo client, String topicFilter, int grantedQos) {
        subscriptions.add(client.clientId() + " " + topicFilter);
    }

    /** Forgets what was seen of the client so far. */
    void forget(String clientId) {
        connacks.remove(clientId);
        connected.remove(clientId);
    }

    /** The reason codes of every CONNACK the client got, in order. */
    List<Integer> connacks(String clientId) {
        return List.copyOf(connacks.getOrDefault(clientId, List.of()));
    }

    /** How the client was when it last connected; null when it never did. */
    ClientInfo connected(String clientId) {
        return connected.get(clientId);
    }

    /** Waits until the client's subscription to the filter is in place. */
    void awaitSubscribed(String clientId, String topicFilter, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(20))
                .until(() -> subscriptions.contains(clientId + " " + topicFilter));
    }
}
