package io.starling.broker.config;

import java.time.Duration;
import java.util.List;

/**
 * The {@code cluster} section: whether the node joins a cluster, how it finds the others and how it talks to them.
 *
 * @param bindHost       address membership and control traffic (JGroups) binds to and is reached at
 * @param bindPort       its port; 0 takes one from the OS (then other nodes need {@code join} to find it)
 * @param dataHost       address the data plane (forwarded messages, session hand-offs) listens on
 * @param dataPort       its port; 0 takes one from the OS (peers learn it when they meet)
 * @param seeds          {@code host:port} of the nodes to ask for the cluster ({@code discovery = static})
 * @param dnsName        the name whose A/AAAA records are the nodes ({@code discovery = dns})
 * @param cookie         the secret every node of the cluster shares; a node without it cannot join
 * @param linksPerPeer   data-plane connections to each other node; a topic always takes the same one
 * @param linkBuffer     bytes waiting to be written on one link before further messages are dropped (and counted)
 * @param forwardTimeout how long a QoS 1/2 publisher waits for another node to confirm a message before its
 *                       acknowledgement fails (PUBACK 0x97 in MQTT 5, the connection closed in 3.1.1: it sends again)
 * @param takeoverTimeout how long a CONNECT waits for another node to hand over the client's session
 * @param handOverOnStop  whether a node that stops gracefully first moves its persistent sessions to the others
 * @param tls            mutual TLS between nodes (control and data plane), or null for plain TCP
 */
public record ClusterConfig(boolean enabled, String name, String bindHost, int bindPort, String dataHost,
        int dataPort, Discovery discovery, List<String> seeds, String dnsName, String cookie, int linksPerPeer,
        long linkBuffer, Duration forwardTimeout, Duration takeoverTimeout, boolean handOverOnStop, Tls tls) {

    /**
     * The node's certificate and key (PEM) and the CA whose certificates peers must present: every connection
     * between nodes, both ways, is mutual TLS.
     */
    public record Tls(java.nio.file.Path certFile, java.nio.file.Path keyFile, java.nio.file.Path caFile) {
        Tls under(java.util.function.UnaryOperator<java.nio.file.Path> resolve) {
            return new Tls(resolve.apply(certFile), resolve.apply(keyFile), resolve.apply(caFile));
        }
    }

    /** The same settings with relative file names resolved (against the installation). */
    public ClusterConfig under(java.util.function.UnaryOperator<java.nio.file.Path> resolve) {
        return tls == null ? this : new ClusterConfig(enabled, name, bindHost, bindPort, dataHost, dataPort, discovery,
                seeds, dnsName, cookie, linksPerPeer, linkBuffer, forwardTimeout, takeoverTimeout, handOverOnStop,
                tls.under(resolve));
    }

    /** How a node finds the others. */
    public enum Discovery {
        STATIC, DNS, MANUAL
    }

    public ClusterConfig {
        seeds = List.copyOf(seeds);
    }

    /** Off: the node is alone. */
    public static ClusterConfig disabled() {
        return new ClusterConfig(false, "starling", "127.0.0.1", 4370, "127.0.0.1", 4380, Discovery.STATIC, List.of(),
                "", "", 4, 16L << 20, Duration.ofSeconds(5), Duration.ofSeconds(5), true, null);
    }

    @Override
    public String toString() {
        // The cookie is a secret: never in a log line.
        return "ClusterConfig[enabled=" + enabled + ", name=" + name + ", bind=" + bindHost + ":" + bindPort
                + ", data=" + dataHost + ":" + dataPort + ", discovery=" + discovery + ", seeds=" + seeds + ", tls="
                + (tls != null) + "]";
    }
}
