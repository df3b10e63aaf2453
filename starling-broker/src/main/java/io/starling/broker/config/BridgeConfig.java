package io.starling.broker.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One bridge ({@code bridges.<name>}): a connection out from this node to a remote MQTT broker, and the topics that
 * cross it. The bridge is a local session of its own ({@link #localClientId}) whose queue is bounded here.
 *
 * @param protocolVersion 4 (MQTT 3.1.1) or 5
 * @param clientId        the client id on the remote broker
 * @param username        for the remote broker, and the identity ACL rules name locally; null for none
 * @param password        null for none
 * @param tryPrivate      MQTT 3.1.1: set the bridge bit (protocol level 0x84), falling back to 4 when refused
 * @param tls             null for a plain TCP connection
 * @param maxInflight     QoS 1/2 messages in flight to the remote at most (its Receive Maximum lowers it)
 * @param queueMaxMessages messages waiting for the remote at most (in the node's storage when it is durable)
 * @param connectTimeout   how long the remote may take to answer CONNECT (and SUBSCRIBE) before the attempt is
 *                         given up and the next one made
 * @param queueMaxBytes    payload bytes waiting for the remote at most; 0: no byte bound
 * @param notificationTopic where the connection's state (1/0, retained) is published, locally and on the remote
 * @param notificationsLocalOnly the state is published here only: no will and no state message on the remote
 */
public record BridgeConfig(String name, boolean enabled, List<Address> addresses, boolean roundRobin,
        int protocolVersion, String clientId, boolean cleanStart, Duration keepalive, Duration connectTimeout,
        String username, String password, boolean tryPrivate, Tls tls, Duration reconnectMin, Duration reconnectMax,
        List<TopicRule> topics, int maxInflight, int queueMaxMessages, long queueMaxBytes, DropPolicy whenFull,
        boolean notifications, String notificationTopic, boolean notificationsLocalOnly) {

    /** The prefix of every bridge's local client id: {@code bridge:<name>}. */
    public static final String CLIENT_ID_PREFIX = "bridge:";

    public BridgeConfig {
        addresses = List.copyOf(addresses);
        topics = List.copyOf(topics);
    }

    /** Whether the remote gets the state: a will of 0 and 1 on connect. */
    public boolean notifiesRemote() {
        return notifications && !notificationsLocalOnly;
    }

    /** The client id of the bridge's local session, the publisher of what it brings in. */
    public String localClientId() {
        return CLIENT_ID_PREFIX + name;
    }

    /** A remote broker's address. */
    public record Address(String host, int port) {
        @Override
        public String toString() {
            return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
        }
    }

    /**
     * TLS to the remote: {@code caFile} null trusts the JDK's CAs; {@code certFile}/{@code keyFile} null sends no
     * client certificate.
     */
    public record Tls(Path certFile, Path keyFile, Path caFile, boolean verifyHostname) {
    }

    /** Which way messages of a rule cross the bridge. */
    public enum Direction {
        OUT, IN, BOTH;

        public boolean out() {
            return this != IN;
        }

        public boolean in() {
            return this != OUT;
        }
    }

    /**
     * A topic rule as Mosquitto writes it: {@code pattern direction qos local-prefix remote-prefix}. The local
     * topic is {@code localPrefix + pattern}, the remote one {@code remotePrefix + pattern}; the prefixes remap a
     * whole tree.
     */
    public record TopicRule(String pattern, Direction direction, int qos, String localPrefix, String remotePrefix) {

        public String localFilter() {
            return localPrefix + pattern;
        }

        public String remoteFilter() {
            return remotePrefix + pattern;
        }

        /** The remote topic of a local one this rule's local filter matched. */
        public String toRemote(String localTopic) {
            return remotePrefix + localTopic.substring(localPrefix.length());
        }

        /** The local topic of a remote one this rule's remote filter matched. */
        public String toLocal(String remoteTopic) {
            return localPrefix + remoteTopic.substring(remotePrefix.length());
        }
    }
}
