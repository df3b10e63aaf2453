package io.starling.stomp.sockjs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.starling.api.auth.AuthResult;
import io.starling.api.auth.Authorizer;
import io.starling.api.ClientInfo;
import io.starling.api.auth.Authorizer.Decision;
import io.starling.broker.session.Session;
import io.starling.testkit.StarlingExtension;
import java.lang.reflect.Type;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.messaging.converter.StringMessageConverter;
import org.springframework.messaging.simp.stomp.StompFrameHandler;
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.messaging.simp.stomp.StompSession;
import org.springframework.messaging.simp.stomp.StompSessionHandlerAdapter;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.messaging.WebSocketStompClient;
import org.springframework.web.socket.sockjs.client.RestTemplateXhrTransport;
import org.springframework.web.socket.sockjs.client.SockJsClient;
import org.springframework.web.socket.sockjs.client.Transport;
import org.springframework.web.socket.sockjs.client.WebSocketTransport;

/**
 * Spring's STOMP client over its SockJS client, one transport at a time (websocket with Jetty's JSR-356 client,
 * xhr_streaming and xhr with RestTemplate): STOMP over SockJS and MQTT meet on the same topics, through the node's
 * authentication and authorization.
 */
class SockJsSpringTest {
    @RegisterExtension
    static final StarlingExtension BROKER = SockJsNodes.sockJsNode("authentication.allow_anonymous = false\n",
            b -> b.authenticator(r -> {
                String password = r.password() == null ? "" : new String(r.password(), StandardCharsets.UTF_8);
                Map<String, String> users = Map.of("alice", "pa:ss", "bob", "secret", "mqtt", "mqtt");
                boolean ok = r.client().username() != null && password.equals(users.get(r.client().username()));
                return CompletableFuture.completedFuture(ok ? AuthResult.allow() : AuthResult.deny("bad password"));
            }).authorizer((ClientInfo client, Authorizer.Action action, String topic) ->
                    CompletableFuture.completedFuture("bob".equals(client.username()) && topic.startsWith("secret")
                            ? Decision.DENY : Decision.ALLOW)));

    private final List<String> requested = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            try {
                c.close();
            } catch (IllegalStateException alreadyClosed) {
                // the node closed it (the refusal tests)
            }
        }
    }

    private WebSocketStompClient client(String transport) {
        RestTemplate rest = new RestTemplate();
        rest.getInterceptors().add((HttpRequest request, byte[] body, ClientHttpRequestExecution execution) -> {
            requested.add(request.getURI().getPath());
            return execution.execute(request, body);
        });
        RestTemplateXhrTransport xhr = new RestTemplateXhrTransport(rest);
        Transport only = switch (transport) {
            case "websocket" -> new WebSocketTransport(new StandardWebSocketClient());
            case "xhr_streaming" -> xhr;
            case "xhr" -> {
                xhr.setXhrStreamingDisabled(true);
                yield xhr;
            }
            default -> throw new IllegalArgumentException(transport);
        };
        SockJsClient sockJs = new SockJsClient(List.of(only));
        WebSocketStompClient stomp = new WebSocketStompClient(sockJs);
        stomp.setMessageConverter(new StringMessageConverter());
        ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
        scheduler.initialize();
        open.add(scheduler::shutdown);
        stomp.setTaskScheduler(scheduler); // receipts, and STOMP heart-beats (10s both ways by default)
        return stomp;
    }

    private StompSession connect(String transport, String user, String password, StompSessionHandlerAdapter handler)
            throws Exception {
        StompHeaders headers = new StompHeaders();
        headers.setLogin(user);
        headers.setPasscode(password);
        headers.set("client-id", "spring-" + transport + "-" + user);
        String url = "http://127.0.0.1:" + SockJsNodes.sockJsPort(BROKER.node()) + "/stomp";
        StompSession session = client(transport).connectAsync(URI.create(url), new WebSocketHttpHeaders(), headers,
                handler).get(10, TimeUnit.SECONDS);
        open.add(session::disconnect);
        return session;
    }

    private Mqtt5BlockingClient mqtt(String id) {
        Mqtt5BlockingClient mqtt = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1")
                .serverPort(BROKER.port()).buildBlocking();
        mqtt.connectWith().simpleAuth().username("mqtt").password("mqtt".getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth().send();
        open.add(mqtt::disconnect);
        return mqtt;
    }

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "xhr_streaming", "xhr"})
    void stompOverSockJsAndMqttReachEachOther(String transport) throws Exception {
        Mqtt5BlockingClient mqtt = mqtt("mqtt-" + transport);
        Mqtt5BlockingClient.Mqtt5Publishes fromBrowser = mqtt.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL);
        open.add(fromBrowser::close);
        mqtt.subscribeWith().topicFilter("web/" + transport).qos(MqttQos.AT_LEAST_ONCE).send();

        StompSession stomp = connect(transport, "alice", "pa:ss", new StompSessionHandlerAdapter() {
        });
        stomp.setAutoReceipt(true);
        LinkedBlockingQueue<String> toBrowser = new LinkedBlockingQueue<>();
        CountDownLatch subscribed = new CountDownLatch(1);
        stomp.subscribe("/topic/mqtt." + transport, new StompFrameHandler() {
            @Override
            public Type getPayloadType(StompHeaders headers) {
                return String.class;
            }

            @Override
            public void handleFrame(StompHeaders headers, Object payload) {
                toBrowser.add(headers.getDestination() + " " + payload);
            }
        }).addReceiptTask(subscribed::countDown);
        assertThat(subscribed.await(10, TimeUnit.SECONDS)).isTrue();

        mqtt.publishWith().topic("mqtt/" + transport).payload(("hello " + transport + " \u00e9\"").getBytes(
                StandardCharsets.UTF_8)).qos(MqttQos.AT_LEAST_ONCE).send();
        assertThat(toBrowser.poll(10, TimeUnit.SECONDS))
                .isEqualTo("/topic/mqtt." + transport + " hello " + transport + " \u00e9\"");

        stomp.send("/topic/web." + transport, "from the browser over " + transport);
        Optional<Mqtt5Publish> got = fromBrowser.receive(10, TimeUnit.SECONDS);
        assertThat(got).isPresent();
        assertThat(got.get().getTopic().toString()).isEqualTo("web/" + transport);
        assertThat(new String(got.get().getPayloadAsBytes(), StandardCharsets.UTF_8))
                .isEqualTo("from the browser over " + transport);

        Session session = BROKER.node().services().sessions().get("spring-" + transport + "-alice");
        assertThat(session.connection().protocolName()).isEqualTo("STOMP/SockJS");
        if (transport.equals("websocket")) {
            assertThat(requested).noneMatch(p -> p.contains("/xhr"));
        } else {
            assertThat(requested).anyMatch(p -> p.endsWith("/" + transport))
                    .noneMatch(p -> p.endsWith(transport.equals("xhr") ? "/xhr_streaming" : "/xhr"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "xhr"})
    void authorizationRefusesASendWithAnError(String transport) throws Exception {
        LinkedBlockingQueue<String> errors = new LinkedBlockingQueue<>();
        StompSession stomp = connect(transport, "bob", "secret", new StompSessionHandlerAdapter() {
            @Override
            public void handleFrame(StompHeaders headers, Object payload) {
                errors.add(String.valueOf(headers.getFirst("message")));
            }
        });
        stomp.send("/topic/secret.plans", "leak");
        assertThat(errors.poll(10, TimeUnit.SECONDS)).isEqualTo("not authorized to send to '/topic/secret.plans'");
        await().atMost(10, TimeUnit.SECONDS).until(() -> !stomp.isConnected());
    }

    @Test
    void aWrongPasswordIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> connect("websocket", "mallory", "guess",
                new StompSessionHandlerAdapter() {
                })).isNotNull();
        assertThat(BROKER.node().services().sessions().get("spring-websocket-mallory")).isNull();
    }
}
