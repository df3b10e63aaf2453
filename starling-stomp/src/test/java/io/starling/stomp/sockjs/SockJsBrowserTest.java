package io.starling.stomp.sockjs;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.starling.testkit.StarlingExtension;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A web page in headless Chromium with sockjs-client and @stomp/stompjs (from npm, installed into target/ on first
 * use), served from another origin than the node's SockJS port: each SockJS transport forced in turn, STOMP and MQTT
 * reach each other. Without Chromium, node/npm or the registry, skipped loudly.
 */
class SockJsBrowserTest {
    private static final Path DIR = Path.of("target", "browser-stomp").toAbsolutePath();
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final List<String> PACKAGES = List.of("sockjs-client@1.6.1", "@stomp/stompjs@7.5.0");

    @RegisterExtension
    static final StarlingExtension BROKER = SockJsNodes.sockJsNode("");

    private static HttpServer pages;
    private static final LinkedBlockingQueue<String> REPORTS = new LinkedBlockingQueue<>();

    /**
     * Chromium's profile. Not a JUnit @TempDir: Chromium's helper processes may still write there for a moment after
     * the browser exits, which made JUnit's strict clean-up fail a passed test; this one is deleted as far as it can.
     */
    private Path profile;

    @BeforeEach
    void newProfile() throws IOException {
        profile = Files.createTempDirectory("starling-sockjs-chromium");
    }

    @AfterEach
    void removeProfile() {
        try (Stream<Path> paths = Files.walk(profile)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | java.io.UncheckedIOException e) {
            // a file a helper process wrote meanwhile: left in the temp directory, not worth failing the test
        }
    }

    @BeforeAll
    static void installAndServe() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "SKIPPED LOUDLY: no /usr/bin/chromium (apt-get install "
                + "chromium): the browser test of SockJS does not run");
        if (!Files.isRegularFile(DIR.resolve("node_modules/sockjs-client/dist/sockjs.min.js"))
                || !Files.isRegularFile(DIR.resolve("node_modules/@stomp/stompjs/bundles/stomp.umd.min.js"))) {
            Files.createDirectories(DIR);
            List<String> command = new java.util.ArrayList<>(List.of("npm", "install", "--no-audit", "--no-fund",
                    "--loglevel=error", "--prefix", DIR.toString()));
            command.addAll(PACKAGES);
            Process npm;
            try {
                npm = new ProcessBuilder(command).directory(DIR.toFile()).redirectErrorStream(true).start();
            } catch (IOException e) {
                Assumptions.assumeTrue(false, "SKIPPED LOUDLY: npm is not on the PATH (apt-get install npm)");
                return;
            }
            boolean done = npm.waitFor(180, TimeUnit.SECONDS);
            String out = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!done || npm.exitValue() != 0) {
                npm.destroyForcibly();
                Assumptions.assumeTrue(false, "SKIPPED LOUDLY: npm could not install " + PACKAGES + ": " + out);
            }
        }
        pages = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        pages.createContext("/sockjs.min.js", x -> file(x, "node_modules/sockjs-client/dist/sockjs.min.js"));
        pages.createContext("/stomp.umd.min.js", x -> file(x, "node_modules/@stomp/stompjs/bundles/stomp.umd.min.js"));
        pages.createContext("/page.html", x -> reply(x, "text/html", page()));
        pages.createContext("/report", x -> {
            REPORTS.add(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            reply(x, "text/plain", "");
        });
        pages.start();
    }

    @AfterAll
    static void stopServing() {
        if (pages != null) {
            pages.stop(0);
        }
    }

    private static void file(HttpExchange x, String path) throws IOException {
        reply(x, "application/javascript", Files.readString(DIR.resolve(path)));
    }

    private static void reply(HttpExchange x, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", type + "; charset=UTF-8");
        x.sendResponseHeaders(200, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            x.getResponseBody().write(bytes);
        }
        x.close();
    }

    /** The page: ?t= names the one SockJS transport it may use; it reports what happens with POSTs to /report. */
    private static String page() {
        int port = SockJsNodes.sockJsPort(BROKER.node());
        return """
                <!doctype html><html><head>
                <script src="/sockjs.min.js"></script><script src="/stomp.umd.min.js"></script>
                </head><body><script>
                const t = new URLSearchParams(location.search).get('t');
                const report = m => fetch('/report', {method: 'POST', body: m});
                let sock;
                const client = new StompJs.Client({
                  webSocketFactory: () => (sock = new SockJS('http://127.0.0.1:%d/stomp', null, {transports: [t]})),
                  connectHeaders: {'client-id': 'chromium-' + t},
                  reconnectDelay: 0,
                  onConnect: () => {
                    report('transport ' + sock.transport);
                    client.watchForReceipt('sub', () => report('subscribed'));
                    client.subscribe('/topic/mqtt.' + t, m => {
                      report('message ' + m.body);
                      client.publish({destination: '/topic/web.' + t, body: 'from chromium over ' + t});
                    }, {receipt: 'sub'});
                  },
                  onStompError: f => report('error ' + f.headers.message),
                });
                client.activate();
                </script></body></html>
                """.formatted(port);
    }

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "xhr-streaming", "xhr-polling", "eventsource"})
    void aPageWithSockJsClientAndStompJsMeetsMqtt(String transport) throws Exception {
        REPORTS.clear();
        Mqtt5BlockingClient mqtt = Mqtt5Client.builder().identifier("mqtt-" + transport).serverHost("127.0.0.1")
                .serverPort(BROKER.port()).buildBlocking();
        mqtt.connect();
        Process chromium = null;
        try (Mqtt5BlockingClient.Mqtt5Publishes fromPage = mqtt.publishes(MqttGlobalPublishFilter.ALL)) {
            mqtt.subscribeWith().topicFilter("web/" + transport).qos(MqttQos.AT_LEAST_ONCE).send();
            chromium = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
                    "http://127.0.0.1:" + pages.getAddress().getPort() + "/page.html?t=" + transport)
                    .redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile()).start();
            assertThat(REPORTS.poll(30, TimeUnit.SECONDS)).isEqualTo("transport " + transport);
            assertThat(REPORTS.poll(10, TimeUnit.SECONDS)).isEqualTo("subscribed");
            assertThat(BROKER.node().services().sessions().get("chromium-" + transport).connection()
                    .protocolName()).isEqualTo("STOMP/SockJS");
            mqtt.publishWith().topic("mqtt/" + transport).payload("hello page \u00e9".getBytes(StandardCharsets.UTF_8))
                    .qos(MqttQos.AT_LEAST_ONCE).send();
            assertThat(REPORTS.poll(10, TimeUnit.SECONDS)).isEqualTo("message hello page \u00e9");
            Optional<Mqtt5Publish> got = fromPage.receive(10, TimeUnit.SECONDS);
            assertThat(got).isPresent();
            assertThat(new String(got.get().getPayloadAsBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("from chromium over " + transport);
        } finally {
            if (chromium != null) {
                stop(chromium);
            }
            mqtt.disconnect();
        }
    }

    /** Stops the browser and its helper processes, waiting a little for each. */
    private static void stop(Process chromium) throws InterruptedException {
        List<ProcessHandle> helpers = chromium.descendants().toList();
        chromium.destroy();
        if (!chromium.waitFor(5, TimeUnit.SECONDS)) {
            chromium.destroyForcibly();
        }
        for (ProcessHandle helper : helpers) {
            helper.destroy();
            try {
                helper.onExit().get(2, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                helper.destroyForcibly();
            }
        }
    }
}
