package io.starling.it.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.starling.codec.MqttProperties;
import io.starling.codec.MqttVersion;
import io.starling.codec.ReasonCode;
import io.starling.codec.packet.AckPacket;
import io.starling.codec.packet.ConnAckPacket;
import io.starling.codec.packet.ConnectPacket;
import io.starling.codec.packet.PublishPacket;
import io.starling.codec.packet.SubAckPacket;
import io.starling.codec.packet.SubscribePacket;
import io.starling.codec.packet.TopicSubscription;
import io.starling.testkit.RawClient;
import io.starling.testkit.StarlingExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The built-in modules end to end with real clients: presence, auto-subscribe, topic rewrite under the ACL. */
class ModulesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final StarlingExtension BROKER = StarlingExtension.create(b -> b.storageType("memory").config("""
            modules.presence { enabled = true, qos = 1 }
            modules.auto_subscribe {
              enabled = true
              topics = [
                { topic = "inbox/%c", qos = 1 },
                { topic = "users/%u/#", qos = 0 }
              ]
            }
            modules.rewrite {
              enabled = true
              rules = [
                { action = publish, source = "open/#", re = "^open/(.+)$", dest = "secret/$1" },
                { action = subscribe, source = "alias/#", re = "^alias/(.+)$", dest = "real/$1" }
              ]
            }
            authorization.rules = [
              { permission = deny, action = publish, topic = "secret/#" }
            ]
            """));

    private static RawClient connect(String id, String username) {
        RawClient c = RawClient.open(BROKER.port(), MqttVersion.MQTT_5);
        c.send(new ConnectPacket(MqttVersion.MQTT_5, id, true, 30, username, null, null, MqttProperties.NONE));
        assertThat(c.receive(ConnAckPacket.class).reasonCode()).isZero();
        return c;
    }

    private static void subscribe(RawClient c, String filter) {
        c.send(new SubscribePacket(1, List.of(TopicSubscription.of(filter, 1)), MqttProperties.NONE));
        c.receive(SubAckPacket.class);
    }

    private static int publish(RawClient c, String topic, String payload) {
        c.send(new PublishPacket(5, topic, payload.getBytes(StandardCharsets.UTF_8), 1, false, false,
                MqttProperties.NONE));
        return c.receive(AckPacket.class).reasonCode();
    }

    private static String text(PublishPacket p) {
        return new String(p.payload(), StandardCharsets.UTF_8);
    }

    @Test
    void presenceMessagesDescribeEachConnectAndDisconnect() throws Exception {
        try (RawClient watcher = connect("presence-watcher", null)) {
            subscribe(watcher, "$SYS/brokers/+/clients/+/+");
            try (RawClient device = connect("device-42", "fleet")) {
                PublishPacket p = watcher.receive(PublishPacket.class);
                assertThat(p.topic()).isEqualTo("$SYS/brokers/starling@127.0.0.1/clients/device-42/connected");
                JsonNode body = JSON.readTree(p.payload());
                assertThat(body.get("clientid").asText()).isEqualTo("device-42");
                assertThat(body.get("username").asText()).isEqualTo("fleet");
                assertThat(body.get("ipaddress").asText()).isEqualTo("127.0.0.1");
                assertThat(body.get("proto_ver").asInt()).isEqualTo(5);
                assertThat(body.get("keepalive").asInt()).isEqualTo(30);
                assertThat(body.get("clean_start").asBoolean()).isTrue();
                assertThat(body.get("connected_at").asLong()).isPositive();
            }
            PublishPacket gone = watcher.receive(PublishPacket.class);
            assertThat(gone.topic()).endsWith("/clients/device-42/disconnected");
            assertThat(JSON.readTree(gone.payload()).get("reason").asText()).isEqualTo("abnormal");
        }
    }

    @Test
    void autoSubscribeFillsInTheClientIdAndUsername() {
        try (RawClient device = connect("dev-1", "alice");
             RawClient other = connect("auto-pub", null)) {
            publish(other, "inbox/dev-1", "for dev-1");
            publish(other, "users/alice/news", "for alice");
            List<String> got = List.of(text(device.receive(PublishPacket.class)), text(device.receive(PublishPacket.class)));
            assertThat(got).containsExactlyInAnyOrder("for dev-1", "for alice");
        }
    }

    @Test
    void aClientIdOrUsernameWithWildcardsCannotWidenAnAutoSubscription() {
        try (RawClient sneaky = connect("#", "+");
             RawClient other = connect("auto-pub-2", null)) {
            publish(other, "inbox/someone-else", "private");
            publish(other, "users/bob/news", "private too");
            assertThat(sneaky.poll(Duration.ofMillis(300))).isNull();
        }
    }

    @Test
    void aPlaceholderInAClientIdIsNotFilledInAgain() {
        // inbox/%c for the client id "%u" is inbox/%u, not the inbox named like its username.
        try (RawClient sneaky = connect("%u", "victim");
             RawClient other = connect("auto-pub-3", null)) {
            publish(other, "inbox/victim", "private");
            publish(other, "inbox/%u", "its own");
            assertThat(text(sneaky.receive(PublishPacket.class))).as("in order: the first one was not sent")
                    .isEqualTo("its own");
        }
    }

    @Test
    void aRewriteCannotReachATopicTheAclForbids() {
        try (RawClient listener = connect("secret-listener", null);
             RawClient pub = connect("rewrite-pub", null)) {
            subscribe(listener, "secret/#");
            assertThat(publish(pub, "open/door", "let me in")).as("rewritten to secret/door, then denied")
                    .isEqualTo(ReasonCode.NOT_AUTHORIZED);
            assertThat(publish(pub, "secret/door", "direct")).isEqualTo(ReasonCode.NOT_AUTHORIZED);
            assertThat(listener.poll(Duration.ofMillis(300))).isNull();
        }
    }

    @Test
    void aSubscriptionIsRewrittenBeforeItIsMade() {
        try (RawClient sub = connect("alias-sub", null);
             RawClient pub = connect("alias-pub", null)) {
            subscribe(sub, "alias/kitchen");
            publish(pub, "real/kitchen", "warm");
            PublishPacket p = sub.receive(PublishPacket.class);
            assertThat(p.topic()).isEqualTo("real/kitchen");
            assertThat(text(p)).isEqualTo("warm");
        }
    }
}
