package io.starling.stomp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient.Mqtt5Publishes;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.starling.api.ClientInfo;
import io.starling.api.auth.AuthResult;
import io.starling.api.auth.Authorizer.Decision;
import io.starling.broker.admin.ClientViews;
import io.starling.broker.session.Session;
import io.starling.testkit.StarlingExtension;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Debian's python3-stomp (stomp.py) against the gateway, with MQTT clients (HiveMQ) on the same topics: logins
 * through the node's authenticators, authorization, both directions of delivery, client acknowledgement across a
 * reconnect, transactions and receipts.
 */
class StompPyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final StarlingExtension BROKER = StarlingExtension.create(b -> b.extensions(true)
            .config(StompNodes.CONFIG + "authentication.allow_anonymous = false\n")
            .authenticator(r -> {
                String password = r.password() == null ? "" : new String(r.password(), StandardCharsets.UTF_8);
                Map<String, String> users = Map.of("alice", "pa:ss", "bob", "secret", "mqtt", "mqtt");
                boolean ok = r.client().username() != null && password.equals(users.get(r.client().username()));
                return CompletableFuture.completedFuture(ok ? AuthResult.allow() : AuthResult.deny("bad password"));
            })
            .authorizer((ClientInfo client, io.starling.api.auth.Authorizer.Action action, String topic) ->
                    CompletableFuture.completedFuture("bob".equals(client.username()) && topic.startsWith("secret")
                            ? Decision.DENY : Decision.ALLOW)));

    private Mqtt5BlockingClient mqtt;

    @BeforeAll
    static void needsStompPy() {
        PythonStomp.assumeInstalled();
    }

    private static int port() {
        return StompNodes.stompPort(BROKER.node());
    }

    private Mqtt5BlockingClient mqtt(String id) {
        mqtt = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(BROKER.port()).buildBlocking();
        mqtt.connectWith().simpleAuth().username("mqtt").password("mqtt".getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth().send();
        return mqtt;
    }

    @AfterEach
    void disconnect() {
        if (mqtt != null && mqtt.getState().isConnected()) {
            mqtt.disconnect();
        }
    }

    @Test
    void loginWithAColonInThePasscodeAndARefusedOne() {
        try (PythonStomp ok = PythonStomp.run(port(), "login", "alice", "pa:ss")) {
            ok.expect("CONNECTED");
            assertThat(ok.exitCode()).isZero();
        }
        try (PythonStomp refused = PythonStomp.run(port(), "login", "alice", "wrong")) {
            assertThat(refused.expect("ERROR")).isEqualTo("bad login or passcode");
        }
    }

    @Test
    void stompSendReachesAnMqttSubscriberWithHeadersAsUserProperties() throws Exception {
        Mqtt5BlockingClient sub = mqtt("mqtt-sub");
        try (Mqtt5Publishes publishes = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("py/a/#").qos(MqttQos.AT_LEAST_ONCE).send();
            try (PythonStomp send = PythonStomp.run(port(), "send", "/topic/py.a.b", "hello mqtt",
                    "x-note=a:b\\c", "content-type=text/plain")) {
                send.expect("RECEIPT");
            }
            Optional<Mqtt5Publish> got = publishes.receive(5, TimeUnit.SECONDS);
            assertThat(got).isPresent();
            Mqtt5Publish p = got.get();
            assertThat(p.getTopic().toString()).isEqualTo("py/a/b");
            assertThat(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("hello mqtt");
            assertThat(p.getQos()).isEqualTo(MqttQos.AT_LEAST_ONCE); // stomp.send_qos
            assertThat(p.getContentType()).hasValueSatisfying(t -> assertThat(t.toString()).isEqualTo("text/plain"));
            assertThat(p.getUserProperties().asList()).anySatisfy(u -> {
                assertThat(u.getName().toString()).isEqualTo("x-note");
                assertThat(u.getValue().toString()).isEqualTo("a:b\\c"); // 1.2 escaping both ways
            });
        }
    }

    @Test
    void mqttPublishReachesAStompSubscriberListedAsAStompClient() throws Exception {
        try (PythonStomp sub = PythonStomp.run(port(), "subscribe", "/topic/py.b.*", "auto", "1")) {
            sub.expect("SUBSCRIBED");
            Session session = BROKER.node().services().sessions().all().stream()
                    .filter(s -> s.clientId().startsWith("stomp-")).findFirst().orElseThrow();
            Map<String, Object> listed = ClientViews.client(session, "n");
            assertThat(listed).containsEntry("proto_name", "STOMP").containsEntry("proto_ver", 12)
                    .containsEntry("username", "alice").containsEntry("subscriptions_cnt", 1);
            mqtt("mqtt-pub").publishWith().topic("py/b/c").payload("to stomp".getBytes(StandardCharsets.UTF_8))
                    .contentType("application/x-test").qos(MqttQos.AT_LEAST_ONCE).send();
            JsonNode m = JSON.readTree(sub.expect("MESSAGE"));
            assertThat(m.at("/body").asText()).isEqualTo("to stomp");
            assertThat(m.at("/headers/destination").asText()).isEqualTo("/topic/py.b.c");
            assertThat(m.at("/headers/subscription").asText()).isEqualTo("sub-1");
            assertThat(m.at("/headers/content-type").asText()).isEqualTo("application/x-test");
            assertThat(m.at("/headers/content-length").asText()).isEqualTo("8");
            assertThat(m.at("/headers/message-id").asText()).isNotBlank();
            assertThat(sub.exitCode()).isZero();
        }
    }

    @Test
    void clientAckIsAtLeastOnceAcrossAReconnect() throws Exception {
        try (PythonStomp first = PythonStomp.run(port(), "no-ack", "py-keep", "/topic/py.keep")) {
            first.expect("SUBSCRIBED");
            mqtt("mqtt-keep").publishWith().topic("py/keep").payload("must arrive".getBytes(StandardCharsets.UTF_8))
                    .qos(MqttQos.AT_LEAST_ONCE).send();
            JsonNode m = JSON.readTree(first.expect("MESSAGE"));
            assertThat(m.at("/body").asText()).isEqualTo("must arrive");
            assertThat(m.at("/headers/ack").asText()).isNotBlank();
            first.expect("GONE");
        }
        Session kept = BROKER.node().services().sessions().get("py-keep");
        await().until(() -> !kept.isOnline());
        assertThat(kept.inflightCount()).isEqualTo(1);
        try (PythonStomp again = PythonStomp.run(port(), "resume", "py-keep")) {
            JsonNode m = JSON.readTree(again.expect("MESSAGE"));
            assertThat(m.at("/body").asText()).isEqualTo("must arrive");
            assertThat(m.at("/headers/redelivered").asText()).isEqualTo("true");
            assertThat(m.at("/headers/subscription").asText()).isEqualTo("keep");
            assertThat(m.at("/headers/destination").asText()).isEqualTo("/topic/py.keep");
            again.expect("ACKED");
        }
        assertThat(kept.inflightCount()).isZero();
        assertThat(BROKER.node().services().sessions().clear("py-keep")).isTrue();
    }

    @Test
    void transactionIsDeliveredOnlyAtCommit() throws Exception {
        Mqtt5BlockingClient sub = mqtt("mqtt-tx");
        try (Mqtt5Publishes publishes = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("py/tx").qos(MqttQos.AT_LEAST_ONCE).send();
            try (PythonStomp tx = PythonStomp.run(port(), "transaction", "/topic/py.tx")) {
                tx.expect("HELD");
                assertThat(publishes.receive(300, TimeUnit.MILLISECONDS)).isEmpty();
                tx.expect("COMMITTING");
                tx.expect("COMMITTED");
            }
            String[] bodies = new String[2];
            for (int i = 0; i < 2; i++) {
                bodies[i] = new String(publishes.receive(5, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes(),
                        StandardCharsets.UTF_8);
            }
            assertThat(Arrays.asList(bodies)).containsExactly("first", "second");
        }
    }

    @Test
    void authorizationRefusesSendAndSubscribeWithAnError() {
        try (PythonStomp send = PythonStomp.run(port(), "refused-send", "/topic/secret.plans")) {
            assertThat(send.expect("ERROR")).isEqualTo("not authorized to send to '/topic/secret.plans'");
        }
        try (PythonStomp subscribe = PythonStomp.run(port(), "refused-subscribe", "/topic/secret.#")) {
            assertThat(subscribe.expect("ERROR")).isEqualTo("not authorized to subscribe to '/topic/secret.#'");
        }
    }
}
