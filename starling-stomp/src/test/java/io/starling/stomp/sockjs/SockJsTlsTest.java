package io.starling.stomp.sockjs;

import static org.assertj.core.api.Assertions.assertThat;

import io.starling.broker.bootstrap.Starling;
import io.starling.stomp.StompExtension;
import io.starling.stomp.TestCertificates;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SockJS over HTTPS with the certificate of stomp.ssl ({@code stomp.sockjs.tls = true}). */
class SockJsTlsTest {
    @TempDir
    Path dir;

    @Test
    void servesSockJsOverHttps() throws Exception {
        try (Starling node = TestCertificates.node(dir, SockJsNodes.CONFIG + "stomp.sockjs.tls = true\n",
                "stomp.ssl")) {
            int port = node.extension(StompExtension.class).sockJs().port();
            HttpClient https = HttpClient.newBuilder().sslContext(TestCertificates.trustAll()).build();
            String base = "https://127.0.0.1:" + port + "/stomp";
            HttpResponse<String> info = https.send(HttpRequest.newBuilder(URI.create(base + "/info")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(info.statusCode()).isEqualTo(200);
            assertThat(info.body()).contains("\"websocket\":true");
            HttpResponse<String> open = https.send(HttpRequest.newBuilder(URI.create(base + "/0/tls1/xhr"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(open.body()).isEqualTo("o\n");
            https.send(HttpRequest.newBuilder(URI.create(base + "/0/tls1/xhr_send")).POST(HttpRequest.BodyPublishers
                    .ofString("[\"CONNECT\\naccept-version:1.2\\nhost:h\\n\\n\\u0000\"]")).build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> connected = https.send(HttpRequest.newBuilder(URI.create(base + "/0/tls1/xhr"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(connected.body()).startsWith("a[\"CONNECTED\\n");
        }
    }
}
