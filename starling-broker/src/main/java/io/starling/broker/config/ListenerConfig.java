package io.starling.broker.config;

import java.time.Duration;

/**
 * One network listener: {@code type:name} such as {@code ssl:default}. With {@code reusePort} (and epoll) every
 * I/O thread accepts on its own socket and serves what it accepted; otherwise {@code acceptors} threads accept
 * and hand connections to the I/O threads.
 *
 * @param access      address rules checked before any byte of a new connection is read
 * @param proxyProtocol whether every connection starts with a PROXY protocol (v1 or v2) header from a load balancer
 * @param trustedProxies the peers whose PROXY protocol or forwarded-for header is believed
 * @param tls         certificates and TLS settings; null for {@code tcp} and {@code ws}
 * @param webSocket   WebSocket settings; null for {@code tcp} and {@code ssl}
 */
public record ListenerConfig(ListenerType type, String name, String host, int port, int acceptors,
        int maxConnections, boolean reusePort, RateLimits limits, AccessRules access, boolean proxyProtocol,
        Duration proxyProtocolTimeout, TrustedProxies trustedProxies, TlsConfig tls, WebSocketConfig webSocket) {

    /** A plain TCP listener with no limits beyond its connection count: what tests and embedding callers start. */
    public static ListenerConfig tcp(String name, String host, int port) {
        return new ListenerConfig(ListenerType.TCP, name, host, port, 1, 1_000_000, true, RateLimits.NONE,
                AccessRules.ALLOW_ALL, false, Duration.ofSeconds(3), TrustedProxies.LOOPBACK, null, null);
    }

    public ListenerConfig withAddress(String newHost, int newPort) {
        return new ListenerConfig(type, name, newHost, newPort, acceptors, maxConnections, reusePort, limits, access,
                proxyProtocol, proxyProtocolTimeout, trustedProxies, tls, webSocket);
    }

    public ListenerConfig withTls(TlsConfig newTls) {
        return new ListenerConfig(type, name, host, port, acceptors, maxConnections, reusePort, limits, access,
                proxyProtocol, proxyProtocolTimeout, trustedProxies, newTls, webSocket);
    }

    /**
     * This listener with the limits {@code fresh} sets for new connections: connection count, byte and publish
     * rates, access rules. Its address, TLS, WebSocket, PROXY protocol, trusted proxies and accept rate stay.
     */
    public ListenerConfig withLimitsOf(ListenerConfig fresh) {
        RateLimits rates = new RateLimits(limits.connectionRate(), fresh.limits().bytesRate(),
                fresh.limits().bytesBurst(), fresh.limits().publishRate(), fresh.limits().publishBurst());
        return new ListenerConfig(type, name, host, port, acceptors, fresh.maxConnections(), reusePort, rates,
                fresh.access(), proxyProtocol, proxyProtocolTimeout, trustedProxies, tls, webSocket);
    }

    public String id() {
        return type.key() + ":" + name;
    }
}
