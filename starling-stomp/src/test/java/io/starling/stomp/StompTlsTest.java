package io.starling.stomp;

import static org.assertj.core.api.Assertions.assertThat;

import io.starling.broker.bootstrap.Starling;
import io.starling.stomp.frame.StompFrame;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** STOMP over TLS: the node's TLS settings (stomp.ssl, shaped like a listener's ssl block) and certificate. */
class StompTlsTest {
    @TempDir
    Path dir;

    @Test
    void connectsAndSendsOverTls() throws Exception {
        String config = StompNodes.CONFIG + "stomp.ssl { enabled = true, bind = \"127.0.0.1:0\" }\n";
        try (Starling node = TestCertificates.node(dir, config, "stomp.ssl")) {
            int port = node.extension(StompExtension.class).server().sslPort();
            assertThat(port).isPositive();
            SSLSocket socket = (SSLSocket) TestCertificates.trustAll().getSocketFactory().createSocket("127.0.0.1", port);
            socket.startHandshake();
            assertThat(socket.getSession().getProtocol()).startsWith("TLSv1.");
            try (RawStomp c = new RawStomp(socket)) {
                assertThat(c.connect("").header("version")).isEqualTo("1.2");
                c.write("SUBSCRIBE\nid:1\ndestination:/topic/tls\n\n^@SEND\ndestination:/topic/tls\nreceipt:r\n\nsecure^@");
                StompFrame first = c.read();
                StompFrame second = c.read();
                StompFrame message = first.command().equals("MESSAGE") ? first : second;
                assertThat(new String(message.body(), StandardCharsets.UTF_8)).isEqualTo("secure");
            }
        }
    }
}
