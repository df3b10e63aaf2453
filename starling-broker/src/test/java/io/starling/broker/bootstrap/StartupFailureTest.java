package io.starling.broker.bootstrap;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.starling.broker.transport.ListenerBindException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartupFailureTest {

    @TempDir
    Path dataDir;

    @Test
    void portInUseNamesTheListenerAndThePort() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> Starling.builder().host("127.0.0.1").port(port).dataDir(dataDir).start())
                    .isInstanceOf(ListenerBindException.class)
                    .hasMessage("listener tcp:default cannot listen on 127.0.0.1:" + port + ": address already in use");
        }
    }

    @Test
    void aSecondNodeOnTheSamePortIsRefusedThoughListenersReuseThePort() {
        try (Starling first = Starling.builder().host("127.0.0.1").port(0).dataDir(dataDir.resolve("a")).start()) {
            int port = first.port();
            assertThatThrownBy(() -> Starling.builder().host("127.0.0.1").port(port).dataDir(dataDir.resolve("b"))
                    .start())
                    .isInstanceOf(ListenerBindException.class)
                    .hasMessage("listener tcp:default cannot listen on 127.0.0.1:" + port + ": address already in use");
        }
    }
}
