package io.starling.bridge;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.starling.broker.bootstrap.Starling;
import io.starling.broker.bridge.BridgeView;
import io.starling.broker.config.BridgeConfig;
import io.starling.broker.extension.NodeExtension;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the bridges {@code etc/starling.conf} names ({@code bridges.<name>}) when the node starts, and stops
 * them, telling their remotes, when it stops. Nothing runs when there are none. All bridges share one network
 * thread of their own: a bridge is one connection, and the node's threads are its clients'.
 */
public final class BridgeExtension implements NodeExtension, BridgeView {
    private static final Logger LOG = LoggerFactory.getLogger(BridgeExtension.class);

    private final Map<String, Bridge> bridges = new LinkedHashMap<>();
    private EventLoopGroup loops;
    private Starling node;

    @Override
    public String name() {
        return "bridges";
    }

    @Override
    public void start(Starling starling) throws Exception {
        List<BridgeConfig> configs = starling.config().bridges();
        if (configs.isEmpty()) {
            return;
        }
        this.node = starling;
        loops = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("starling-bridge", true),
                NioIoHandler.newFactory());
        for (BridgeConfig c : configs) {
            Bridge b = new Bridge(c, starling.services(), loops.next(), ssl(c));
            b.prepare();
            bridges.put(c.name(), b);
        }
        for (Bridge b : bridges.values()) {
            if (b.config().enabled()) {
                b.start();
            }
        }
        starling.bridges(this);
        LOG.info("bridges: {} configured ({})", bridges.size(), String.join(", ", bridges.keySet()));
    }

    private static SslContext ssl(BridgeConfig c) throws SSLException {
        BridgeConfig.Tls tls = c.tls();
        if (tls == null) {
            return null;
        }
        SslContextBuilder b = SslContextBuilder.forClient();
        if (tls.caFile() != null) {
            b.trustManager(tls.caFile().toFile());
        }
        if (tls.certFile() != null) {
            b.keyManager(tls.certFile().toFile(), tls.keyFile().toFile());
        }
        return b.build();
    }

    @Override
    public List<Status> list() {
        List<Status> all = new ArrayList<>(bridges.size());
        for (Bridge b : bridges.values()) {
            all.add(b.status());
        }
        return all;
    }

    @Override
    public boolean stop(String name) {
        Bridge b = bridges.get(name);
        if (b == null) {
            return false;
        }
        b.stop();
        return true;
    }

    @Override
    public boolean start(String name) {
        Bridge b = bridges.get(name);
        if (b == null) {
            return false;
        }
        b.start();
        return true;
    }

    @Override
    public void close() {
        if (loops == null) {
            return;
        }
        node.bridges(null);
        bridges.values().forEach(Bridge::close);
        // The stops run on the bridges' thread: DISCONNECT out and the sessions detached before the node goes on.
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
