package io.starling.broker.config;

import java.util.List;

/**
 * MQTT over WebSocket.
 *
 * @param path                 the HTTP path of the upgrade, e.g. {@code /mqtt}
 * @param requireSubprotocol   refuse an upgrade that offers none of {@code mqtt}, {@code mqttv3.1}, {@code mqttv3.1.1}
 * @param allowedOrigins       Origin header values allowed to connect; empty allows any (and none)
 * @param forwardedForHeader   header carrying the client's address set by a trusted proxy, e.g.
 *                             {@code X-Forwarded-For}; empty: use the socket's peer address
 */
public record WebSocketConfig(String path, boolean requireSubprotocol, List<String> allowedOrigins,
        String forwardedForHeader) {

    public WebSocketConfig {
        allowedOrigins = List.copyOf(allowedOrigins);
    }
}
