package io.starling.stomp;

import io.starling.broker.bootstrap.Starling;
import io.starling.testkit.StarlingExtension;

/** A node with the STOMP gateway on, on ports the OS chooses. */
final class StompNodes {
    static final String CONFIG = """
            stomp.enabled = true
            stomp.tcp.bind = "127.0.0.1:0"
            """;

    private StompNodes() {
    }

    static StarlingExtension node(String extraConfig) {
        return StarlingExtension.create(b -> b.extensions(true).config(CONFIG + extraConfig));
    }

    static int stompPort(Starling node) {
        return node.extension(StompExtension.class).server().tcpPort();
    }
}
