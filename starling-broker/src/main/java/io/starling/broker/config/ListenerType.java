package io.starling.broker.config;

import java.util.Locale;

/** What a listener speaks under MQTT: plain TCP, TLS, WebSocket, or WebSocket over TLS. */
public enum ListenerType {
    TCP, SSL, WS, WSS;

    public boolean tls() {
        return this == SSL || this == WSS;
    }

    public boolean webSocket() {
        return this == WS || this == WSS;
    }

    /** The name used in the configuration and in listener ids ({@code ssl:default}). */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
