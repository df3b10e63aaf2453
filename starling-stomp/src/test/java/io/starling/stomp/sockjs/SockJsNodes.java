package io.starling.stomp.sockjs;

import io.starling.broker.bootstrap.Starling;
import io.starling.stomp.StompExtension;
import io.starling.testkit.StarlingExtension;
import java.util.function.UnaryOperator;

/** A node with the STOMP gateway and SockJS on, on ports the OS chooses, with short heartbeats and timeouts. */
final class SockJsNodes {
    static final String CONFIG = """
            stomp.enabled = true
            stomp.tcp.bind = "127.0.0.1:0"
            stomp.sockjs { enabled = true, bind = "127.0.0.1:0", heartbeat = 400ms, disconnect_delay = 700ms }
            """;

    private SockJsNodes() {
    }

    static StarlingExtension sockJsNode(String extraConfig) {
        return sockJsNode(extraConfig, UnaryOperator.identity());
    }

    static StarlingExtension sockJsNode(String extraConfig, UnaryOperator<io.starling.broker.bootstrap.StarlingBuilder> more) {
        return StarlingExtension.create(b -> more.apply(b.extensions(true).config(CONFIG + extraConfig)));
    }

    static int sockJsPort(Starling node) {
        return node.extension(StompExtension.class).sockJs().port();
    }
}
