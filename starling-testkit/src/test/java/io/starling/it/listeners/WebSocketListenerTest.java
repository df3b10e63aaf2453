package io.starling.it.listeners;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.starling.it.listeners.TestCertificates.Issued;
import io.starling.testkit.Hex;
import io.starling.testkit.StarlingExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * MQTT over WebSocket and secure WebSocket: the HiveMQ client end to end, and the framing rules checked with the
 * JDK's WebSocket client and raw HTTP: packets split over frames and packed into one, ping/pong, text frames,
 * the subprotocol, the path, the Origin allow-list and X-Forwarded-For.
 */
class WebSocketListenerTest {
    private static final Path DIR = tempDir();
    private static final TestCertificates CERTS = new TestCertificates(DIR);
    private static final Issued CA = CERTS.ca("ws-ca");
    private static final Issued SERVER = CERTS.server("ws-server", CA);
    /** CONNECT, MQTT 3.1.1, client id "ws", clean session, keep-alive 60. */
    private static final byte[] CONNECT = Hex.decode("10 0e 00 04 4d 51 54 54 04 02 00 3c 00 02 77 73");
    private static final byte[] CONNACK = Hex.decode("20 02 00 00");
    private static final byte[] PINGREQ = Hex.decode("c0 00");
    private static final byte[] PINGRESP = Hex.decode("d0 00");

    private static final ConnectedClients CLIENTS = new ConnectedClients();

    @RegisterExtension
    static final StarlingExtension BROKER = StarlingExtension.create(b -> b.config(
            "listeners.ssl.default.enabled = false\n"
                    + "listeners.wss.default.ssl { certfile = \"" + SERVER.certFile() + "\", keyfile = \""
                    + SERVER.keyFile() + "\" }\n"
                    + "listeners.ws.origins { bind = \"127.0.0.1:0\", websocket.allowed_origins = "
                    + "[\"https://app.example\"] }\n"
                    + "listeners.ws.proxied { bind = \"127.0.0.1:0\", websocket.proxy_address_header = "
                    + "\"X-Forwarded-For\", trusted_proxies = [\"127.0.0.1\", \"10.0.0.0/8\"],"
                    + " access_rules = [\"deny 198.51.100.0/24\"] }\n"
                    + "listeners.ws.untrusted { bind = \"127.0.0.1:0\", websocket.proxy_address_header = "
                    + "\"X-Forwarded-For\", trusted_proxies = [\"10.0.0.0/8\"] }\n")
            .allListeners().storageType("memory").hookListener(CLIENTS));

    @RegisterExtension
    final LogLines log = new LogLines("io.starling.broker.transport");

    private static int port(String listener) {
        return BROKER.node().address(listener).getPort();
    }

    private static void roundTrip(Mqtt5ClientBuilder builder, String id) {
        Mqtt5BlockingClient c = builder.identifier(id).serverHost("127.0.0.1").buildBlocking();
        c.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes in = c.publishes(MqttGlobalPublishFilter.ALL)) {
            c.subscribeWith().topicFilter("ws/" + id).qos(MqttQos.EXACTLY_ONCE).send();
            c.publishWith().topic("ws/" + id).qos(MqttQos.EXACTLY_ONCE)
                    .payload(("over " + id).getBytes(StandardCharsets.UTF_8)).send();
            Optional<Mqtt5Publish> got = in.receive(5, TimeUnit.SECONDS);
            assertThat(got).isPresent();
            assertThat(new String(got.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("over " + id);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            c.disconnect();
        }
    }

    @Test
    void hiveMqClientOverWebSocket() {
        roundTrip(MqttClient.builder().useMqttVersion5().serverPort(port("ws:default"))
                .webSocketConfig().serverPath("mqtt").applyWebSocketConfig(), "ws-hive");
    }

    @Test
    void hiveMqClientOverSecureWebSocket() {
        roundTrip(MqttClient.builder().useMqttVersion5().serverPort(port("wss:default"))
                .sslConfig().trustManagerFactory(CA.trustManager()).applySslConfig()
                .webSocketConfig().serverPath("mqtt").applyWebSocketConfig(), "wss-hive");
    }

    @Test
    void aPacketSplitOverFramesAndSeveralPacketsInOneFrameAreRead() throws Exception {
        Frames frames = new Frames();
        WebSocket ws = open("ws:default", frames, null);
        ws.sendBinary(ByteBuffer.wrap(Arrays.copyOfRange(CONNECT, 0, 5)), true).join();
        ws.sendBinary(ByteBuffer.wrap(Arrays.copyOfRange(CONNECT, 5, CONNECT.length)), true).join();
        assertThat(frames.read(CONNACK.length)).isEqualTo(CONNACK);
        byte[] two = new byte[4];
        System.arraycopy(PINGREQ, 0, two, 0, 2);
        System.arraycopy(PINGREQ, 0, two, 2, 2);
        ws.sendBinary(ByteBuffer.wrap(two), true).join();
        assertThat(frames.read(4)).isEqualTo(concat(PINGRESP, PINGRESP));
        // A WebSocket ping is answered by a pong at the WebSocket level.
        ws.sendPing(ByteBuffer.wrap("are you there".getBytes(StandardCharsets.UTF_8))).join();
        assertThat(frames.pongs.poll(5, TimeUnit.SECONDS)).isEqualTo("are you there");
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
    }

    @Test
    void aTextFrameClosesTheConnectionWith1003() throws Exception {
        Frames frames = new Frames();
        WebSocket ws = open("ws:default", frames, null);
        ws.sendText("CONNECT please", true).join();
        assertThat(frames.closed.get(5, TimeUnit.SECONDS)).isEqualTo(1003);
        log.await("ws:default", "binary frames only");
    }

    @Test
    void theClientAddressIsTheRightMostHopNoTrustedProxyWrote() throws Exception {
        // The client wrote 198.51.100.66 itself; the proxy at 10.0.0.1 appended the peer it saw, 203.0.113.9,
        // and the loopback proxy in front of the node appended 10.0.0.1.
        Frames frames = new Frames();
        WebSocket ws = open("ws:proxied", frames, "198.51.100.66, 203.0.113.9, 10.0.0.1");
        ws.sendBinary(ByteBuffer.wrap(connect('r')), true).join();
        assertThat(frames.read(CONNACK.length)).isEqualTo(CONNACK);
        assertThat(CLIENTS.await("wr").remoteAddress().getAddress().getHostAddress()).isEqualTo("203.0.113.9");
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
    }

    @Test
    void aForwardedForFromAPeerThatIsNotATrustedProxyIsIgnored() throws Exception {
        Frames frames = new Frames();
        WebSocket ws = open("ws:untrusted", frames, "203.0.113.9");
        ws.sendBinary(ByteBuffer.wrap(connect('u')), true).join();
        assertThat(frames.read(CONNACK.length)).isEqualTo(CONNACK);
        assertThat(CLIENTS.await("wu").remoteAddress().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
    }

    @Test
    void theAccessRulesApplyToTheForwardedAddress() {
        assertThat(upgrade("ws:proxied", "/mqtt", "mqtt", null, "198.51.100.7")).startsWith("HTTP/1.1 403 ");
        log.await("ws:proxied", "198.51.100.7", "refused by the access rules");
        assertThat(upgrade("ws:proxied", "/mqtt", "mqtt", null, "203.0.113.7")).startsWith("HTTP/1.1 101 ");
    }

    @Test
    void aForwardedForThatIsNotAnAddressLeavesThePeersAndIsNeverLookedUp() throws Exception {
        Frames frames = new Frames();
        WebSocket ws = open("ws:proxied", frames, "cafe");
        ws.sendBinary(ByteBuffer.wrap(connect('z')), true).join();
        assertThat(frames.read(CONNACK.length)).isEqualTo(CONNACK);
        assertThat(CLIENTS.await("wz").remoteAddress().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
    }

    @Test
    void anUpgradeWithoutTheMqttSubprotocolIsRefused() {
        String response = upgrade("ws:default", "/mqtt", null, null);
        assertThat(response).startsWith("HTTP/1.1 400 ").contains("the MQTT subprotocol is required");
        log.await("ws:default", "WebSocket upgrade refused (400)", "subprotocol");
        assertThat(upgrade("ws:default", "/mqtt", "chat, superchat", null)).startsWith("HTTP/1.1 400 ");
        assertThat(upgrade("ws:default", "/mqtt", "mqtt", null)).startsWith("HTTP/1.1 101 ")
                .containsIgnoringCase("sec-websocket-protocol: mqtt");
        assertThat(upgrade("ws:default", "/mqtt", "mqttv3.1", null)).startsWith("HTTP/1.1 101 ");
    }

    @Test
    void anUpgradeOnAnotherPathIsNotFound() {
        assertThat(upgrade("ws:default", "/other", "mqtt", null)).startsWith("HTTP/1.1 404 ");
    }

    @Test
    void onlyAllowedOriginsMayUpgrade() {
        assertThat(upgrade("ws:origins", "/mqtt", "mqtt", "https://app.example")).startsWith("HTTP/1.1 101 ");
        assertThat(upgrade("ws:origins", "/mqtt", "mqtt", "https://evil.example")).startsWith("HTTP/1.1 403 ");
        assertThat(upgrade("ws:origins", "/mqtt", "mqtt", null)).startsWith("HTTP/1.1 403 ");
        log.await("ws:origins", "origin 'https://evil.example' is not allowed");
    }

    /** The CONNECT of the other tests with client id "w" + {@code last}: its own entry in CLIENTS. */
    private static byte[] connect(char last) {
        byte[] connect = Arrays.copyOf(CONNECT, CONNECT.length);
        connect[connect.length - 1] = (byte) last;
        return connect;
    }

    private static String upgrade(String listener, String path, String subprotocols, String origin) {
        return upgrade(listener, path, subprotocols, origin, null);
    }

    /** Sends an upgrade request by hand and returns the response head (and body, for a refusal). */
    private static String upgrade(String listener, String path, String subprotocols, String origin,
            String forwardedFor) {
        try (Socket s = new Socket("127.0.0.1", port(listener))) {
            s.setSoTimeout(5000);
            String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n"
                    + (subprotocols != null ? "Sec-WebSocket-Protocol: " + subprotocols + "\r\n" : "")
                    + (origin != null ? "Origin: " + origin + "\r\n" : "")
                    + (forwardedFor != null ? "X-Forwarded-For: " + forwardedFor + "\r\n" : "") + "\r\n";
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                head.write(b);
                String text = head.toString(StandardCharsets.US_ASCII);
                // A 101 has no body and leaves the socket open: stop at the end of its head.
                if (text.startsWith("HTTP/1.1 101") && text.endsWith("\r\n\r\n")) {
                    break;
                }
            }
            return head.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static WebSocket open(String listener, Frames frames, String forwardedFor) {
        WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("mqtt");
        if (forwardedFor != null) {
            b.header("X-Forwarded-For", forwardedFor);
        }
        return b.buildAsync(URI.create("ws://127.0.0.1:" + port(listener) + "/mqtt"), frames).join();
    }

    /** What the node sends back: the bytes of binary frames as one stream, pongs, and the close code. */
    private static final class Frames implements WebSocket.Listener {
        final BlockingQueue<Byte> bytes = new LinkedBlockingQueue<>();
        final BlockingQueue<String> pongs = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            while (data.hasRemaining()) {
                bytes.add(data.get());
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
            pongs.add(StandardCharsets.UTF_8.decode(message).toString());
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        byte[] read(int n) throws InterruptedException {
            byte[] out = new byte[n];
            for (int i = 0; i < n; i++) {
                Byte b = bytes.poll(5, TimeUnit.SECONDS);
                if (b == null) {
                    throw new AssertionError("only " + i + " of " + n + " bytes arrived: " + Hex.encode(Arrays.copyOf(out, i)));
                }
                out[i] = b;
            }
            return out;
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("starling-ws-certs");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
