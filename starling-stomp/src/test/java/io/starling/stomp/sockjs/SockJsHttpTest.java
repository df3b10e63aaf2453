package io.starling.stomp.sockjs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.starling.testkit.StarlingExtension;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SockJS 0.3 as the protocol describes it, seen with a plain HTTP client: {@code /info} and CORS, the frames of each
 * transport, heartbeats, the second receiving request, sends to unknown sessions, the session timeout that
 * disconnects the node's client, and the raw WebSocket.
 */
class SockJsHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONNECT = "CONNECT\\naccept-version:1.2\\nhost:h\\nclient-id:%s\\n\\n\\u0000";

    @RegisterExtension
    static final StarlingExtension BROKER = SockJsNodes.sockJsNode("stomp.sockjs.max_buffered_bytes = 4kB\n");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private String url(String path) {
        return "http://127.0.0.1:" + SockJsNodes.sockJsPort(BROKER.node()) + "/stomp" + path;
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void infoGreetingAndCors() throws Exception {
        HttpResponse<String> info = http.send(HttpRequest.newBuilder(URI.create(url("/info")))
                .header("Origin", "http://app.example").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(info.statusCode()).isEqualTo(200);
        assertThat(info.headers().firstValue("content-type")).hasValue("application/json; charset=UTF-8");
        assertThat(info.headers().firstValue("access-control-allow-origin")).hasValue("http://app.example");
        assertThat(info.headers().firstValue("access-control-allow-credentials")).hasValue("true");
        assertThat(info.headers().firstValue("cache-control").orElseThrow()).contains("no-store");
        JsonNode body = JSON.readTree(info.body());
        assertThat(body.get("websocket").asBoolean()).isTrue();
        assertThat(body.get("cookie_needed").asBoolean()).isFalse();
        assertThat(body.get("origins").get(0).asText()).isEqualTo("*:*");
        assertThat(body.get("entropy").isIntegralNumber()).isTrue();

        HttpResponse<String> options = http.send(HttpRequest.newBuilder(URI.create(url("/info")))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "http://app.example")
                .header("Access-Control-Request-Headers", "x-a").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(options.statusCode()).isEqualTo(204);
        assertThat(options.headers().firstValue("access-control-allow-methods")).hasValue("OPTIONS, GET");
        assertThat(options.headers().firstValue("access-control-allow-headers")).hasValue("x-a");
        assertThat(options.headers().firstValue("access-control-max-age")).hasValue("31536000");

        assertThat(get("").body()).isEqualTo("Welcome to SockJS!\n");
        assertThat(get("/").body()).isEqualTo("Welcome to SockJS!\n");
        assertThat(get("/a/b.c/xhr").statusCode()).isEqualTo(404); // no dots in ids
        assertThat(get("/iframe.html").statusCode()).isEqualTo(404);
    }

    @Test
    void xhrPollingCarriesStompFramesAndHeartbeats() throws Exception {
        assertThat(post("/000/poll1/xhr", "").body()).isEqualTo("o\n");
        HttpResponse<String> sent = post("/000/poll1/xhr_send", "[\"" + CONNECT.formatted("sockjs-poll") + "\"]");
        assertThat(sent.statusCode()).isEqualTo(204);
        String connected = post("/000/poll1/xhr", "").body();
        assertThat(connected).startsWith("a[\"CONNECTED\\n").contains("version:1.2").endsWith("\\u0000\"]\n");
        assertThat(BROKER.node().services().sessions().get("sockjs-poll")).isNotNull();
        // Nothing to say: the poll is answered by a heartbeat (stomp.sockjs.heartbeat = 400ms).
        long start = System.nanoTime();
        assertThat(post("/000/poll1/xhr", "").body()).isEqualTo("h\n");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(100), Duration.ofSeconds(3));
        // A frame split across sends, and two in one: the STOMP stream is what counts.
        post("/000/poll1/xhr_send", "[\"SUBSCRIBE\\nid:1\\ndestination:/topic/poll.a\\n\\n\\u0000SEND\\ndesti\"]");
        post("/000/poll1/xhr_send", "[\"nation:/topic/poll.a\\n\\nhello \\\"\u2028\\u0000\"]");
        String message = post("/000/poll1/xhr", "").body();
        assertThat(message).startsWith("a[\"MESSAGE\\n").contains("\\n\\nhello \\\"\\u2028\\u0000\"");
        List<String> frames = SockJsFrames.parse(message.substring(1));
        assertThat(frames.get(0)).endsWith("\n\nhello \"\u2028\u0000");
        post("/000/poll1/xhr_send", "[\"DISCONNECT\\n\\n\\u0000\"]");
        assertThat(post("/000/poll1/xhr", "").body()).isEqualTo("c[3000,\"Go away!\"]\n");
        await().atMost(5, TimeUnit.SECONDS).until(() -> BROKER.node().services().sessions().get("sockjs-poll") == null
                || !BROKER.node().services().sessions().get("sockjs-poll").isOnline());
    }

    @Test
    void sendsToAnUnknownSessionAreNotFoundAndBadPayloadsRefused() throws Exception {
        assertThat(post("/000/nobody/xhr_send", "[\"x\"]").statusCode()).isEqualTo(404);
        assertThat(post("/000/bad1/xhr", "").body()).isEqualTo("o\n");
        HttpResponse<String> empty = post("/000/bad1/xhr_send", "");
        assertThat(empty.statusCode()).isEqualTo(500);
        assertThat(empty.body()).isEqualTo("Payload expected.");
        HttpResponse<String> broken = post("/000/bad1/xhr_send", "[\"x");
        assertThat(broken.statusCode()).isEqualTo(500);
        assertThat(broken.body()).isEqualTo("Broken JSON encoding.");
    }

    @Test
    void aSecondReceivingRequestIsRefusedWith2010() throws Exception {
        HttpResponse<java.io.InputStream> stream = http.send(HttpRequest.newBuilder(
                URI.create(url("/000/twice/xhr_streaming"))).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            assertThat(lines.readLine()).isEqualTo("h".repeat(2048));
            assertThat(lines.readLine()).isEqualTo("o");
            assertThat(post("/000/twice/xhr", "").body()).isEqualTo("c[2010,\"Another connection still open\"]\n");
            // The stream is still the session's receiver.
            post("/000/twice/xhr_send", "[\"" + CONNECT.formatted("sockjs-twice") + "\"]");
            assertThat(lines.readLine()).startsWith("a[\"CONNECTED\\n");
            assertThat(lines.readLine()).isEqualTo("h");
        }
    }

    @Test
    void eventSourceAndJsonpFrames() throws Exception {
        HttpResponse<java.io.InputStream> stream = http.send(HttpRequest.newBuilder(
                URI.create(url("/000/es1/eventsource"))).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.headers().firstValue("content-type")).hasValue("text/event-stream; charset=UTF-8");
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            assertThat(lines.readLine()).isEmpty();
            assertThat(lines.readLine()).isEqualTo("data: o");
            assertThat(lines.readLine()).isEmpty();
        }
        assertThat(get("/000/jp1/jsonp").statusCode()).isEqualTo(500);
        assertThat(get("/000/jp1/jsonp?c=cb").body()).isEqualTo("/**/cb(\"o\");\r\n");
        HttpResponse<String> sent = http.send(HttpRequest.newBuilder(URI.create(url("/000/jp1/jsonp_send")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("d=%5B%22%5Cn%22%5D")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(sent.statusCode()).isEqualTo(200);
        assertThat(sent.body()).isEqualTo("ok");
    }

    @Test
    void aSessionWithNoReceiverEndsAndDisconnectsTheNodesClient() throws Exception {
        assertThat(post("/000/quiet/xhr", "").body()).isEqualTo("o\n");
        post("/000/quiet/xhr_send", "[\"" + CONNECT.formatted("sockjs-quiet") + "\"]");
        assertThat(post("/000/quiet/xhr", "").body()).startsWith("a[\"CONNECTED");
        assertThat(BROKER.node().services().sessions().get("sockjs-quiet").isOnline()).isTrue();
        assertThat(BROKER.node().services().sessions().get("sockjs-quiet").connection().protocolName())
                .isEqualTo("STOMP/SockJS");
        // No more polls: after disconnect_delay (700ms) the session and the node's client end.
        await().atMost(5, TimeUnit.SECONDS).until(() -> BROKER.node().services().sessions().get("sockjs-quiet") == null
                || !BROKER.node().services().sessions().get("sockjs-quiet").isOnline());
        await().atMost(5, TimeUnit.SECONDS).until(() -> post("/000/quiet/xhr_send", "[\"\\n\"]").statusCode() == 404);
    }

    @Test
    void aClientThatSendsWithoutReceivingIsClosedWhenItsOutputPilesUp() throws Exception {
        assertThat(post("/000/deaf/xhr", "").body()).isEqualTo("o\n");
        post("/000/deaf/xhr_send", "[\"" + CONNECT.formatted("sockjs-deaf") + "\"]");
        assertThat(post("/000/deaf/xhr", "").body()).startsWith("a[\"CONNECTED");
        // Each SEND asks for a RECEIPT; nobody polls: 200 receipts are more than max_buffered_bytes (4kB).
        String send = "SEND\\ndestination:/topic/deaf\\nreceipt:r-%d\\n\\nx\\u0000";
        StringBuilder sends = new StringBuilder("[");
        for (int i = 0; i < 200; i++) {
            sends.append(i == 0 ? "\"" : ",\"").append(send.formatted(i)).append('"');
        }
        assertThat(post("/000/deaf/xhr_send", sends.append(']').toString()).statusCode()).isEqualTo(204);
        await().atMost(5, TimeUnit.SECONDS).until(() -> BROKER.node().services().sessions().get("sockjs-deaf") == null
                || !BROKER.node().services().sessions().get("sockjs-deaf").isOnline());
        assertThat(post("/000/deaf/xhr", "").body()).isEqualTo("c[3001,\"Too much output waiting\"]\n");
    }

    @Test
    void aSlowPollerHoldsLittleAndLosesNothing() throws Exception {
        assertThat(post("/000/slow/xhr", "").body()).isEqualTo("o\n");
        post("/000/slow/xhr_send", "[\"" + CONNECT.formatted("sockjs-slow")
                + "SUBSCRIBE\\nid:1\\ndestination:/topic/slow\\nreceipt:s\\n\\n\\u0000\"]");
        StringBuilder seen = new StringBuilder();
        await().atMost(5, TimeUnit.SECONDS).until(() -> seen.append(post("/000/slow/xhr", "").body())
                .indexOf("RECEIPT") >= 0);
        // 300 messages of 100 bytes while nobody polls: 30kB, against max_buffered_bytes = 4kB.
        var mqtt = com.hivemq.client.mqtt.mqtt5.Mqtt5Client.builder().identifier("slow-pub").serverHost("127.0.0.1")
                .serverPort(BROKER.port()).buildBlocking();
        mqtt.connect();
        for (int i = 0; i < 300; i++) {
            mqtt.publishWith().topic("slow").payload(String.format("m-%098d", i).getBytes(StandardCharsets.UTF_8))
                    .qos(com.hivemq.client.mqtt.datatypes.MqttQos.AT_LEAST_ONCE).send();
        }
        mqtt.disconnect();
        assertThat(BROKER.node().services().sessions().get("sockjs-slow").isOnline()).isTrue();
        java.util.List<String> bodies = new java.util.ArrayList<>();
        int polls = 0;
        while (bodies.size() < 300 && polls++ < 200) {
            String r = post("/000/slow/xhr", "").body();
            assertThat(r.length()).isLessThan(4096 + 1024); // half the bound, plus the frame that crossed it
            if (r.startsWith("a")) {
                for (String frame : SockJsFrames.parse(r.substring(1))) {
                    bodies.add(frame.substring(frame.indexOf("\n\n") + 2, frame.length() - 1));
                }
            }
        }
        assertThat(bodies).hasSize(300);
        assertThat(bodies.get(0)).isEqualTo(String.format("m-%098d", 0));
        assertThat(bodies.get(299)).isEqualTo(String.format("m-%098d", 299));
    }

    @Test
    void theRawWebSocketCarriesPlainStomp() throws Exception {
        LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
        WebSocket ws = http.newWebSocketBuilder().subprotocols("v12.stomp")
                .buildAsync(URI.create(url("/websocket").replace("http:", "ws:")), new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            received.add(text.toString());
                            text.setLength(0);
                        }
                        socket.request(1);
                        return CompletableFuture.completedFuture(null);
                    }
                }).get(5, TimeUnit.SECONDS);
        assertThat(ws.getSubprotocol()).isEqualTo("v12.stomp");
        ws.sendText("CONNECT\naccept-version:1.2\nhost:h\nclient-id:raw-ws\n\n\0", true).get();
        assertThat(received.poll(5, TimeUnit.SECONDS)).startsWith("CONNECTED\n");
        await().atMost(5, TimeUnit.SECONDS).until(() -> BROKER.node().services().sessions().get("raw-ws") != null
                && BROKER.node().services().sessions().get("raw-ws").connection() != null);
        assertThat(BROKER.node().services().sessions().get("raw-ws").connection().protocolName())
                .isEqualTo("STOMP/WebSocket");
        ws.sendText("SUBSCRIBE\nid:1\ndestination:/topic/raw.b\n\n\0SEND\ndestination:/top", false).get();
        ws.sendText("ic/raw.b\n\nover ws\0", true).get();
        assertThat(received.poll(5, TimeUnit.SECONDS)).startsWith("MESSAGE\n").endsWith("\n\nover ws\0");
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get();
    }
}
