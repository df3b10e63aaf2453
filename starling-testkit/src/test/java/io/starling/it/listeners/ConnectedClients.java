package io.starling.it.listeners;

import org.awaitility.Awaitility;

import io.starling.api.ClientInfo;
import io.starling.api.hook.HookListener;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Records what the node knew of each client when it connected: its username, address and listener. */
final class ConnectedClients implements HookListener {
    private final Map<String, ClientInfo> byId = new ConcurrentHashMap<>();

    @Override
    public void onConnected(ClientInfo client, boolean sessionPresent) {
        byId.put(client.clientId(), client);
    }

    ClientInfo await(String clientId) {
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> byId.containsKey(clientId));
        return byId.get(clientId);
    }

    /** Whether a client of this id has connected (so far). */
    boolean connected(String clientId) {
        return byId.containsKey(clientId);
    }

    /** The one client that connected with a client id starting with {@code prefix}. */
    ClientInfo awaitPrefix(String prefix) {
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> byId.keySet().stream().anyMatch(k -> k.startsWith(prefix)));
        return byId.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).findFirst().orElseThrow().getValue();
    }
}
