package io.starling.broker.session;

import io.starling.broker.config.BridgeConfig;

/**
 * Client ids the node keeps for sessions of its own: a bridge's local session is {@code bridge:<name>}. A client
 * that connected with such an id would resume that session, receive what waits for the remote and take its
 * subscriptions, authorized for the bridge and not for it; every way in refuses them.
 */
public final class ReservedClientIds {
    private ReservedClientIds() {
    }

    /** Why a client may not use {@code clientId}, or null when it may. */
    public static String refusal(String clientId) {
        return clientId.startsWith(BridgeConfig.CLIENT_ID_PREFIX)
                ? "client ids starting with '" + BridgeConfig.CLIENT_ID_PREFIX + "' are the node's bridges'" : null;
    }
}
