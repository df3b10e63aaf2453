package io.starling.stomp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Assumptions;

/** A self-signed certificate for 127.0.0.1 and localhost made with openssl, and a client that trusts it. */
public final class TestCertificates {
    private TestCertificates() {
    }

    /** Writes {@code node.pem} and {@code node.key} into the directory; skips the test loudly without openssl. */
    public static void make(Path dir) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")),
                "SKIPPED LOUDLY: openssl is not installed (apt-get install openssl): it makes this test's certificate");
        openssl(dir, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "node.sec1");
        openssl(dir, "pkcs8", "-topk8", "-nocrypt", "-in", "node.sec1", "-out", "node.key");
        openssl(dir, "req", "-x509", "-new", "-key", "node.key", "-subj", "/CN=localhost", "-addext",
                "subjectAltName=IP:127.0.0.1,DNS:localhost", "-days", "2", "-out", "node.pem");
    }

    /**
     * Makes the certificate and starts a node (memory storage, ports from the OS) whose config gets the files as
     * {@code ssl_block}'s {@code certfile} and {@code keyfile}: {@code stomp.ssl { enabled = true, ... }}, say.
     */
    public static io.starling.broker.bootstrap.Starling node(Path dir, String config, String sslBlock)
            throws IOException, InterruptedException {
        make(dir);
        String tls = sslBlock + " { certfile = \"" + dir.resolve("node.pem") + "\", keyfile = \""
                + dir.resolve("node.key") + "\" }\n";
        return io.starling.broker.bootstrap.Starling.builder().extensions(true).config(config + tls)
                .host("127.0.0.1").port(0).dataDir(dir.resolve("data")).storageType("memory").start();
    }

    private static void openssl(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("openssl " + String.join(" ", args) + " failed: " + output);
        }
    }

    /** The test's certificate is the node's own: nothing to verify it against. */
    public static SSLContext trustAll() throws Exception {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new TrustManager[] {new TrustAll()}, null);
        return tls;
    }

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
