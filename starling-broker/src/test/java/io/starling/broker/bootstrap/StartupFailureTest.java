package io.starling.broker.bootstrap;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.starling.broker.transport.ListenerBindException;
import io.starling.broker.transport.TlsSetupException;
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

    @Test
    void aTlsListenerWhoseFilesCannotBeUsedStopsStartUpNamingTheFile() throws IOException {
        Path cert = dataDir.resolve("broker.crt");
        java.nio.file.Files.writeString(cert, "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
        Path missingKey = dataDir.resolve("missing.key");
        assertThatThrownBy(() -> Starling.builder().config("listeners.ssl.default.ssl { certfile = \"" + cert
                        + "\", keyfile = \"" + missingKey + "\" }").allListeners().host("127.0.0.1").port(0)
                .dataDir(dataDir.resolve("data")).start())
                .isInstanceOf(TlsSetupException.class)
                .hasMessage("ssl:default: ssl.keyfile " + missingKey + ": no such file");
        Path key = dataDir.resolve("broker.key");
        java.nio.file.Files.writeString(key, "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> Starling.builder().config("listeners.ssl.default.ssl { certfile = \"" + cert
                        + "\", keyfile = \"" + key + "\" }").allListeners().host("127.0.0.1").port(0)
                .dataDir(dataDir.resolve("data")).start())
                .isInstanceOf(TlsSetupException.class)
                .hasMessageStartingWith("ssl:default: cannot read the certificate " + cert);
    }
}
