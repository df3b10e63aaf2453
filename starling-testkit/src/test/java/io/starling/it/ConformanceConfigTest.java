package io.starling.it;

import static io.starling.it.Clients.bytes;
import static io.starling.it.Clients.receive;
import static io.starling.it.Clients.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.starling.broker.config.BrokerConfig;
import io.starling.broker.config.ConfigLoader;
import io.starling.testkit.StarlingExtension;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node on {@code conformance/paho.conf}, the configuration docs/conformance.md runs the Eclipse Paho
 * interoperability suites on: what those suites rely on holds, so that the file cannot drift from them again.
 * Relative file names are resolved against the shipped installation, as {@code bin/starling} resolves them: a
 * setting that reaches for {@code etc/acl.conf} (whose {@code eq #} rule refuses the suites' clean-up
 * subscription) gets it here too.
 */
class ConformanceConfigTest {
    private static final Path CONFIG = Path.of("../conformance/paho.conf");
    private static final Path INSTALLATION = Path.of("../starling-dist/src/main/dist");

    @RegisterExtension
    static final StarlingExtension BROKER = StarlingExtension.create(b -> b.config(pahoConfig()).ioThreads(1));

    private static BrokerConfig pahoConfig() {
        BrokerConfig config = ConfigLoader.load(CONFIG, Map.of());
        return config.withSecurity(config.security().under(INSTALLATION::resolve));
    }

    @Test
    void theFileRunsOneNetworkThread() {
        // The test node runs the thread count its builder says; the suites' ordering needs the file's.
        assertThat(pahoConfig().ioThreads()).isEqualTo(1);
    }

    @Test
    void anAnonymousClientIsAcceptedAndToldServerKeepAlive60() {
        Mqtt5BlockingClient client = Clients.v5(BROKER, Clients.id("paho-keepalive"));
        Mqtt5ConnAck connAck = client.connectWith().keepAlive(120).send();
        try {
            assertThat(connAck.getReasonCode().isError()).isFalse();
            assertThat(connAck.getServerKeepAlive()).hasValue(60);
        } finally {
            client.disconnect();
        }
    }

    @Test
    void everythingMayBeSubscribedAndCleared() {
        // client_test.py and client_test5.py clean up between tests by subscribing to '#' and clearing every
        // retained message it brings.
        Mqtt5BlockingClient client = Clients.connectedV5(BROKER, Clients.id("paho-cleanup"));
        String topic = Clients.topic("paho");
        try (var in = Clients.publishes(client)) {
            client.publishWith().topic(topic).retain(true).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("kept")).send();
            assertThat(client.subscribeWith().topicFilter("#").qos(MqttQos.EXACTLY_ONCE).send().getReasonCodes())
                    .containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_2);
            assertThat(text(receive(in))).isEqualTo("kept");
            client.publishWith().topic(topic).retain(true).qos(MqttQos.AT_LEAST_ONCE).payload(new byte[0]).send();
        } finally {
            client.disconnect();
        }
        Mqtt3BlockingClient v3 = Clients.connectedV3(BROKER, Clients.id("paho-cleanup3"));
        try {
            assertThat(v3.subscribeWith().topicFilter("#").qos(MqttQos.EXACTLY_ONCE).send().getReturnCodes())
                    .containsExactly(Mqtt3SubAckReturnCode.SUCCESS_MAXIMUM_QOS_2);
        } finally {
            v3.disconnect();
        }
    }

    @Test
    void testNosubscribeIsRefusedWith0x80() {
        Mqtt5BlockingClient client = Clients.connectedV5(BROKER, Clients.id("paho-nosubscribe"));
        try {
            assertThat(catchThrowableOfType(Mqtt5SubAckException.class, () -> client.subscribeWith()
                    .topicFilter("test/nosubscribe").qos(MqttQos.AT_MOST_ONCE).send()).getMqttMessage()
                    .getReasonCodes()).containsExactly(Mqtt5SubAckReasonCode.UNSPECIFIED_ERROR);
        } finally {
            client.disconnect();
        }
    }
}
