package io.starling.it.management;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.starling.testkit.StarlingExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An HTTP publish enters through the same gate as a client's PUBLISH: the publish hooks (here topic rewrite)
 * change it, and the retained quota refuses it with 409.
 */
class HttpPublishGateTest {

    @RegisterExtension
    final StarlingExtension broker = StarlingExtension.create(b -> b.extensions(true).config(ManagementApi.NODE_CONFIG
            + """
            modules.rewrite {
              enabled = true
              rules = [{action = publish, source = "moved/#", re = "^moved/(.+)$", dest = "arrived/$1"}]
            }
            mqtt.max_retained_messages = 1
            """));

    @Test
    void anHttpPublishPassesThePublishHooksAndTheRetainedQuota() throws Exception {
        ManagementApi api = new ManagementApi(broker).firstLogin();
        Mqtt5BlockingClient sub = Mqtt5Client.builder().identifier("gate-sub").serverHost(broker.host())
                .serverPort(broker.port()).buildBlocking();
        sub.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes in = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("arrived/#").send();
            ManagementApi.Answer sent = api.post("/api/v5/publish", "{\"topic\": \"moved/one\", \"payload\": \"x\"}");
            assertThat(sent.status()).as(sent.body()).isEqualTo(200);
            Mqtt5Publish p = in.receive(10, TimeUnit.SECONDS).orElseThrow();
            assertThat(p.getTopic().toString()).isEqualTo("arrived/one");

            assertThat(api.post("/api/v5/publish", "{\"topic\": \"r/1\", \"payload\": \"x\", \"retain\": true}")
                    .status()).isEqualTo(200);
            ManagementApi.Answer refused = api.post("/api/v5/publish",
                    "{\"topic\": \"r/2\", \"payload\": \"x\", \"retain\": true}");
            assertThat(refused.status()).as(refused.body()).isEqualTo(409);
            assertThat(refused.json().get("code").asText()).isEqualTo("QUOTA_EXCEEDED");
            assertThat(broker.node().services().retained().entry("r/2")).isEmpty();
        } finally {
            sub.disconnect();
        }
    }
}
