package io.starling.cluster.membership;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.starling.broker.config.ClusterConfig;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * The contexts for mutual TLS between nodes, from the node's PEM certificate and key and the cluster's CA: one for
 * JGroups (a JDK context, as its socket factory needs) and a server and a client context for the data plane. Peers
 * are accepted by the CA's signature, not by host name: nodes are reached by address, and the CA is the cluster's.
 */
public final class ClusterTls {
    private final SslContext server;
    private final SslContext client;
    private final SSLContext jdk;

    public ClusterTls(ClusterConfig.Tls tls) {
        for (java.nio.file.Path file : java.util.List.of(tls.certFile(), tls.keyFile(), tls.caFile())) {
            if (!java.nio.file.Files.isReadable(file)) {
                throw new IllegalStateException("cluster.ssl: " + file.toAbsolutePath() + " cannot be read");
            }
        }
        try {
            this.server = SslContextBuilder.forServer(tls.certFile().toFile(), tls.keyFile().toFile())
                    .trustManager(tls.caFile().toFile()).clientAuth(ClientAuth.REQUIRE).build();
            this.client = SslContextBuilder.forClient().keyManager(tls.certFile().toFile(), tls.keyFile().toFile())
                    .trustManager(tls.caFile().toFile()).endpointIdentificationAlgorithm(null).build();
            JdkSslContext both = (JdkSslContext) SslContextBuilder.forServer(tls.certFile().toFile(),
                    tls.keyFile().toFile()).trustManager(tls.caFile().toFile()).sslProvider(SslProvider.JDK).build();
            this.jdk = both.context();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalStateException("cluster.ssl: cannot use certificate " + tls.certFile() + ", key "
                    + tls.keyFile() + " and CA " + tls.caFile() + ": " + e.getMessage(), e);
        }
    }

    public SslContext server() {
        return server;
    }

    public SslContext client() {
        return client;
    }

    /** For JGroups' TCP: key and trust in one JDK context, client certificates required. */
    public SSLContext jdk() {
        return jdk;
    }
}
