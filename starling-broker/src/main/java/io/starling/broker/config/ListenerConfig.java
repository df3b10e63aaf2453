package io.starling.broker.config;

/**
 * One network listener: {@code type:name} such as {@code tcp:default}. With {@code reusePort} (and epoll) every
 * I/O thread accepts on its own socket and serves what it accepted; otherwise {@code acceptors} threads accept
 * and hand connections to the I/O threads.
 */
public record ListenerConfig(String type, String name, String host, int port, int acceptors, int maxConnections,
        boolean reusePort) {

    public ListenerConfig withAddress(String newHost, int newPort) {
        return new ListenerConfig(type, name, newHost, newPort, acceptors, maxConnections, reusePort);
    }

    public String id() {
        return type + ":" + name;
    }
}
