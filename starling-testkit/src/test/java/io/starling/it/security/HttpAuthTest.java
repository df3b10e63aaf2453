package io.starling.it.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.starling.codec.MqttProperties;
import io.starling.codec.MqttVersion;
import io.starling.codec.ReasonCode;
import io.starling.codec.packet.ConnAckPacket;
import io.starling.codec.packet.ConnectPacket;
import io.starling.testkit.RawClient;
import io.starling.testkit.StarlingExtension;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The HTTP authentication plugin against a real HTTP server in the test: good, bad and missing credentials,
 * superusers, the ACL, a slow service and a stopped one (denied within the timeout, the node responsive for
 * everyone else), and no password in any log line.
 */
class HttpAuthTest {
    private static final String PLUGIN = "starling-auth-http";

    @TempDir
    Path home;

    private HttpServer service;
    /** Requests of user {@code held} wait for this; how many are waiting. */
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger held = new AtomicInteger();
    /** 200s whose body is none of the documented answers (docs/security.md), by user. */
    private static final Map<String, String> UNDOCUMENTED = Map.of(
            "html", "<html><body><h1>502 Bad Gateway</h1></body></html>",
            "no-result", "{\"is_superuser\": true}",
            "other-result", "{\"result\": \"allowed\"}",
            "text", "OK",
            "array", "[\"allow\"]");
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger starlingLog = (Logger) LoggerFactory.getLogger("io.starling");

    @RegisterExtension
    final StarlingExtension broker =
            StarlingExtension.create(b -> b.storageType("memory").config(BackendClients.nodeConfig(home, false)));

    @BeforeEach
    void startServiceAndPlugin() throws IOException {
        service = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        service.createContext("/auth", this::auth);
        service.createContext("/acl", this::acl);
        service.setExecutor(Executors.newFixedThreadPool(8));
        service.start();
        int port = service.getAddress().getPort();
        BackendClients.loadPlugin(broker, home, PLUGIN, "auth_url = \"http://127.0.0.1:" + port
                + "/auth\"\nacl_url = \"http://127.0.0.1:" + port + "/acl\"\ntimeout = 500ms\n");
        log.start();
        starlingLog.addAppender(log);
    }

    @AfterEach
    void stopService() {
        release.countDown();
        starlingLog.detachAppender(log);
        service.stop(0);
    }

    private void auth(HttpExchange x) throws IOException {
        Map<String, String> f = form(x);
        String user = f.getOrDefault("username", "");
        if (user.equals("slow")) {
            sleep(3000);
        }
        if (user.equals("held")) {
            held.incrementAndGet();
            waitFor(release);
        }
        String undocumented = UNDOCUMENTED.get(user);
        if (undocumented != null && f.get("password").equals("good-pass")) {
            answer(x, 200, undocumented);
        } else if (user.isEmpty()) {
            answer(x, 403, "");
        } else if (f.get("password").equals("good-pass") && user.equals("root")) {
            answer(x, 200, "{\"result\": \"allow\", \"is_superuser\": true}");
        } else if (f.get("password").equals("good-pass")) {
            answer(x, 200, "{\"result\": \"allow\"}");
        } else {
            answer(x, 401, "");
        }
    }

    private void acl(HttpExchange x) throws IOException {
        Map<String, String> f = form(x);
        answer(x, f.get("topic").startsWith("forbidden/") && f.get("access").equals("2") ? 403 : 200, "");
    }

    private static Map<String, String> form(HttpExchange x) throws IOException {
        Map<String, String> out = new HashMap<>();
        for (String pair : new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static void answer(HttpExchange x, int code, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(code, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = x.getResponseBody()) {
                out.write(bytes);
            }
        }
        x.close();
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            latch.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private int connack(MqttVersion version, String id, String user, String password) {
        return BackendClients.connack(broker.port(), version, id, user, password);
    }

    @Test
    void goodBadAndMissingCredentials() {
        assertThat(connack(MqttVersion.MQTT_5, "h1", "alice", "good-pass")).isZero();
        assertThat(connack(MqttVersion.MQTT_3_1_1, "h2", "alice", "good-pass")).isZero();
        assertThat(connack(MqttVersion.MQTT_5, "h3", "alice", "wrong")).isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(connack(MqttVersion.MQTT_3_1_1, "h4", "alice", "wrong")).isEqualTo(4);
        assertThat(connack(MqttVersion.MQTT_5, "h5", null, null)).isEqualTo(ReasonCode.NOT_AUTHORIZED);
        assertThat(connack(MqttVersion.MQTT_3_1_1, "h6", null, null)).isEqualTo(5);
        assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage)
                .noneMatch(l -> l.contains("good-pass") || l.contains("wrong"));
    }

    @Test
    void theServiceDecidesPublishesAndSuperusersAreLetThrough() {
        try (RawClient c = RawClient.open(broker.port(), MqttVersion.MQTT_5);
             RawClient root = RawClient.open(broker.port(), MqttVersion.MQTT_5)) {
            c.send(new ConnectPacket(MqttVersion.MQTT_5, "acl-1", true, 60, "alice",
                    "good-pass".getBytes(StandardCharsets.UTF_8), null, MqttProperties.NONE));
            c.receive(ConnAckPacket.class);
            assertThat(publish(c, "allowed/x")).isIn(0, ReasonCode.NO_MATCHING_SUBSCRIBERS);
            assertThat(publish(c, "forbidden/x")).isEqualTo(ReasonCode.NOT_AUTHORIZED);
            root.send(new ConnectPacket(MqttVersion.MQTT_5, "acl-root", true, 60, "root",
                    "good-pass".getBytes(StandardCharsets.UTF_8), null, MqttProperties.NONE));
            root.receive(ConnAckPacket.class);
            assertThat(publish(root, "forbidden/x")).isIn(0, ReasonCode.NO_MATCHING_SUBSCRIBERS);
        }
    }

    private static int publish(RawClient c, String topic) {
        return BackendClients.publish(c, topic);
    }

    @Test
    void aSlowServiceIsDeniedWithinItsTimeoutWhileOthersGetIn() throws Exception {
        java.util.concurrent.atomic.AtomicInteger slowAnswer = new java.util.concurrent.atomic.AtomicInteger(-1);
        Thread slow = new Thread(() -> slowAnswer.set(connack(MqttVersion.MQTT_5, "slow-1", "slow", "good-pass")));
        long started = System.nanoTime();
        slow.start();
        assertThat(connack(MqttVersion.MQTT_5, "meanwhile", "alice", "good-pass")).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("not held up by the slow one")
                .isLessThan(Duration.ofSeconds(2));
        slow.join(10_000);
        assertThat(slowAnswer.get()).isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("denied at the timeout, not after 3 s")
                .isLessThan(Duration.ofMillis(2900));
    }

    @Test
    void aStoppedServiceDeniesByDefault() {
        service.stop(0);
        assertThat(connack(MqttVersion.MQTT_5, "down-1", "alice", "good-pass"))
                .isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage)
                .anyMatch(l -> l.contains("did not answer") && l.contains("denied (on_error = deny)"));
    }

    @Test
    void aTwoHundredWithABodyThatIsNoDocumentedAnswerDenies() {
        // An HTML error page from a proxy in front of the service, or a JSON the plugin does not know, is no
        // "allow": only an empty body and {"result": "allow"} are (docs/security.md).
        for (String user : UNDOCUMENTED.keySet()) {
            assertThat(connack(MqttVersion.MQTT_5, "u-" + user, user, "good-pass")).as(user)
                    .isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        }
        assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage)
                .anyMatch(l -> l.contains("answered 200 with a body that is no documented answer")
                        && l.contains("denied (on_error = deny)"));
    }

    @Test
    void requestsBeyondMaxRequestsAreDeniedAtOnceAndCounted() throws Exception {
        int port = service.getAddress().getPort();
        BackendClients.loadPlugin(broker, home, PLUGIN, "auth_url = \"http://127.0.0.1:" + port
                + "/auth\"\ntimeout = 10s\nmax_requests = 2\n");
        CompletableFuture<Integer> first = CompletableFuture.supplyAsync(
                () -> connack(MqttVersion.MQTT_5, "held-1", "held", "good-pass"));
        CompletableFuture<Integer> second = CompletableFuture.supplyAsync(
                () -> connack(MqttVersion.MQTT_5, "held-2", "held", "good-pass"));
        await().atMost(Duration.ofSeconds(10)).until(() -> held.get() == 2);
        long started = System.nanoTime();
        assertThat(connack(MqttVersion.MQTT_5, "third", "alice", "good-pass"))
                .isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("refused at once, not queued")
                .isLessThan(Duration.ofSeconds(5));
        assertThat(held.get()).as("the service was not asked").isEqualTo(2);
        assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage)
                .anyMatch(l -> l.contains("max_requests = 2") && l.contains("1 refused")
                        && l.contains("denied (on_error = deny)"));
        release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).isZero();
        assertThat(second.get(10, TimeUnit.SECONDS)).isZero();
        assertThat(connack(MqttVersion.MQTT_5, "fourth", "alice", "good-pass")).as("room again").isZero();
    }
}
