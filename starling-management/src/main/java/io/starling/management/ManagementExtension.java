package io.starling.management;

import io.starling.broker.bootstrap.Starling;
import io.starling.broker.config.ManagementConfig;
import io.starling.broker.extension.NodeExtension;

/** Starts the management server with the node, unless {@code management.enabled = false}. */
public final class ManagementExtension implements NodeExtension {
    private ManagementServer server;

    @Override
    public String name() {
        return "management API";
    }

    @Override
    public void start(Starling node) {
        ManagementConfig config = node.config().management().in(node.dataDir());
        if (config.enabled()) {
            server = new ManagementServer(node, config);
        }
    }

    /** The running server, or null when it is off. */
    public ManagementServer server() {
        return server;
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }
}
