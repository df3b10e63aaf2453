package io.starling.stomp;

import static org.assertj.core.api.Assertions.assertThat;

import io.starling.broker.bootstrap.Starling;
import io.starling.stomp.frame.StompFrame;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** STOMP over TLS: the node's TLS settings (stomp.ssl, shaped like a listener's ssl block) and certificate. */
class StompTlsTest {
    @TempDir
    Path dir;

    @Test
    void connectsAndSendsOverTls() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")),
                "SKIPPED LOUDLY: openssl is not installed (apt-get install openssl): it makes this test's certificate");
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "node.sec1");
        openssl("pkcs8", "-topk8", "-nocrypt", "-in", "node.sec1", "-out", "node.key");
        openssl("req", "-x509", "-new", "-key", "node.key", "-subj", "/CN=localhost", "-days", "2", "-out", "node.pem");
        String config = StompNodes.CONFIG + "stomp.ssl { enabled = true, bind = \"127.0.0.1:0\", certfile = \""
                + dir.resolve("node.pem") + "\", keyfile = \"" + dir.resolve("node.key") + "\" }\n";
        try (Starling node = Starling.builder().extensions(true).config(config).host("127.0.0.1").port(0)
                .dataDir(dir.resolve("data")).storageType("memory").start()) {
            int port = node.extension(StompExtension.class).server().sslPort();
            assertThat(port).isPositive();
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, new TrustManager[] {new TrustAll()}, null);
            SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port);
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

    private void openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("openssl " + String.join(" ", args) + " failed: " + output);
        }
    }

    /** The test's self-signed certificate is the node's: nothing to verify it against. */
    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
