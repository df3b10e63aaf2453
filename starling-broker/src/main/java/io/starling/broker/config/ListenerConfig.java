package io.starling.broker.config;

/** One network listener: {@code type:name} such as {@code tcp:default}. */
public record ListenerConfig(String type, String name, String host, int port, int acceptors, int maxConnections) {

    public String id() {
        return type + ":" + name;
    }
}
