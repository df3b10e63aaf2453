package io.starling.broker.transport;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.starling.broker.config.TlsConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listener's TLS context, rebuilt when its certificate, key or CA file changes: new connections get the new
 * one, connected clients keep the session they negotiated.
 */
public final class TlsContext {
    private static final Logger LOG = LoggerFactory.getLogger(TlsContext.class);

    private final String listenerId;
    private final TlsConfig config;
    private volatile SslContext current;
    private List<String> stamp;

    /** Builds the context, or throws {@link TlsSetupException} saying which file is wrong and how. */
    public TlsContext(String listenerId, TlsConfig config) {
        this.listenerId = listenerId;
        this.config = config;
        this.stamp = stamp();
        this.current = build();
    }

    public SslHandler newHandler(ByteBufAllocator alloc) {
        SslHandler handler = current.newHandler(alloc);
        handler.setHandshakeTimeout(config.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        return handler;
    }

    /** OpenSSL (through netty-tcnative) or JDK. */
    String engineName() {
        return provider() == SslProvider.OPENSSL ? "openssl " + OpenSsl.versionString() : "jdk";
    }

    /** Rebuilds the context if a file changed since the last build; a failed rebuild keeps the old one. */
    public synchronized boolean reloadIfChanged() {
        List<String> now = stamp();
        if (now.equals(stamp)) {
            return false;
        }
        return reload(now);
    }

    /** Rebuilds the context from the files as they are now. */
    synchronized boolean reload() {
        return reload(stamp());
    }

    private synchronized boolean reload(List<String> now) {
        try {
            current = build();
            stamp = now;
            LOG.info("listener {}: TLS certificates reloaded from {}", listenerId, config.certFile());
            return true;
        } catch (TlsSetupException e) {
            stamp = now; // the same broken files are not retried; the next change to them is
            LOG.error("listener {}: TLS certificates not reloaded, the previous ones stay in use: {}", listenerId,
                    e.getMessage());
            return false;
        }
    }

    private SslContext build() {
        SslProvider provider = provider();
        String password = config.keyPassword().isEmpty() ? null : config.keyPassword();
        KeyPairCheck.requireMatch(listenerId, readable(config.certFile(), "certfile"),
                readable(config.keyFile(), "keyfile"));
        SslContextBuilder b;
        try {
            b = SslContextBuilder.forServer(readable(config.certFile(), "certfile").toFile(),
                    readable(config.keyFile(), "keyfile").toFile(), password);
        } catch (IllegalArgumentException e) {
            throw new TlsSetupException(listenerId + ": cannot read the certificate " + config.certFile() + " or key "
                    + config.keyFile() + ": " + rootMessage(e)
                    + " (the key must be PEM, PKCS#8: convert with 'openssl pkcs8 -topk8 -nocrypt')", e);
        }
        b.sslProvider(provider)
                .protocols(config.protocols())
                .clientAuth(switch (config.verify()) {
                    case NONE -> ClientAuth.NONE;
                    case OPTIONAL -> ClientAuth.OPTIONAL;
                    case REQUIRED -> ClientAuth.REQUIRE;
                });
        if (config.caFile() != null) {
            b.trustManager(readable(config.caFile(), "cacertfile").toFile());
        } else if (config.verify() != TlsConfig.ClientVerify.NONE) {
            // The configuration file cannot get here (ListenerConfigParser refuses it); a TlsConfig built in code
            // could, and would trust every public CA for client certificates.
            throw new TlsSetupException(listenerId + ": client certificates (verify = "
                    + config.verify().name().toLowerCase(java.util.Locale.ROOT) + ") need cacertfile");
        }
        if (!config.ciphers().isEmpty()) {
            b.ciphers(config.ciphers());
        }
        try {
            return b.build();
        } catch (Exception e) {
            throw new TlsSetupException(listenerId + ": cannot use the TLS settings (certfile " + config.certFile()
                    + ", keyfile " + config.keyFile() + (config.caFile() != null ? ", cacertfile " + config.caFile() : "")
                    + "): " + rootMessage(e), e);
        }
    }

    private SslProvider provider() {
        return switch (config.engine()) {
            case JDK -> SslProvider.JDK;
            case AUTO -> OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
            case OPENSSL -> {
                if (!OpenSsl.isAvailable()) {
                    throw new TlsSetupException(listenerId + ": ssl.engine = openssl, but netty-tcnative does not load: "
                            + rootMessage(OpenSsl.unavailabilityCause()));
                }
                yield SslProvider.OPENSSL;
            }
        };
    }

    private Path readable(Path file, String key) {
        if (!Files.isRegularFile(file)) {
            throw new TlsSetupException(listenerId + ": ssl." + key + " " + file + ": no such file");
        }
        if (!Files.isReadable(file)) {
            throw new TlsSetupException(listenerId + ": ssl." + key + " " + file + ": not readable by this user");
        }
        return file;
    }

    /** Size and modification time of each file: what a change of certificates changes. */
    private List<String> stamp() {
        List<String> s = new ArrayList<>();
        for (Path p : new Path[] {config.certFile(), config.keyFile(), config.caFile()}) {
            if (p == null) {
                continue;
            }
            try {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                s.add(p + ":" + a.size() + ":" + a.lastModifiedTime().toMillis());
            } catch (IOException e) {
                s.add(p + ":missing");
            }
        }
        return s;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return Objects.toString(t.getMessage(), t.getClass().getSimpleName());
    }
}
