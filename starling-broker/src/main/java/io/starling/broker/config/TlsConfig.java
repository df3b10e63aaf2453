package io.starling.broker.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * TLS for an {@code ssl} or {@code wss} listener. The files are PEM; the key is PKCS#8 (or PKCS#1 with the
 * OpenSSL engine). {@code certFile} null means none is configured: the listener then does not start.
 *
 * @param caFile             CA certificates that client certificates must chain to; null only with
 *                           {@code verify = none} (the public CAs would otherwise vouch for clients)
 * @param protocols          e.g. TLSv1.3, TLSv1.2
 * @param ciphers            cipher suites in the engine's names; empty: the engine's defaults
 * @param usernameFrom       which part of a verified client certificate becomes the username
 * @param clientIdFrom       which part of a verified client certificate becomes the client id
 * @param reloadInterval     how often the files are checked for changes (new connections then use the new ones)
 */
public record TlsConfig(Path certFile, Path keyFile, String keyPassword, Path caFile, ClientVerify verify,
        List<String> protocols, List<String> ciphers, TlsEngine engine, PeerCertField usernameFrom,
        PeerCertField clientIdFrom, Duration reloadInterval, Duration handshakeTimeout) {

    public TlsConfig {
        protocols = List.copyOf(protocols);
        ciphers = List.copyOf(ciphers);
    }

    /** The same with relative file names resolved by {@code resolve} (against the installation, by the launcher). */
    public TlsConfig under(UnaryOperator<Path> resolve) {
        return new TlsConfig(certFile == null ? null : resolve.apply(certFile),
                keyFile == null ? null : resolve.apply(keyFile), keyPassword,
                caFile == null ? null : resolve.apply(caFile), verify, protocols, ciphers, engine, usernameFrom,
                clientIdFrom, reloadInterval, handshakeTimeout);
    }

    /** Whether the client must, may, or does not present a certificate. */
    public enum ClientVerify { NONE, OPTIONAL, REQUIRED }

    /** Which TLS implementation: OpenSSL/BoringSSL through netty-tcnative when it loads, else the JDK's. */
    public enum TlsEngine { AUTO, OPENSSL, JDK }

    /** A field of the client certificate: its subject's common name, its whole subject DN, or its first SAN. */
    public enum PeerCertField { NONE, CN, DN, SAN }
}
