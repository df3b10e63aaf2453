package io.starling.it;

import static io.starling.it.Clients.bytes;
import static io.starling.it.Clients.receive;
import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.starling.testkit.StarlingExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Topics beginning with {@code $} are not matched by a leading wildcard [MQTT-4.7.2-1]. */
class SysTopicTest {

    @RegisterExtension
    static final StarlingExtension BROKER = StarlingExtension.create();

    @Test
    void leadingWildcardsDoNotMatchSysTopics() {
        Mqtt5BlockingClient hash = Clients.connectedV5(BROKER, Clients.id("hash"));
        Mqtt3BlockingClient plus = Clients.connectedV3(BROKER, Clients.id("plus"));
        Mqtt5BlockingClient sys = Clients.connectedV5(BROKER, Clients.id("sys"));
        Mqtt5BlockingClient pub = Clients.connectedV5(BROKER, Clients.id("syspub"));
        try (var hashIn = Clients.publishes(hash); var plusIn = Clients.publishes(plus);
                var sysIn = Clients.publishes(sys)) {
            hash.subscribeWith().topicFilter("#").qos(MqttQos.AT_LEAST_ONCE).send();
            plus.subscribeWith().topicFilter("+/x").qos(MqttQos.AT_LEAST_ONCE).send();
            sys.subscribeWith().topicFilter("$SYS/#").qos(MqttQos.AT_LEAST_ONCE).send();

            pub.publishWith().topic("$SYS/x").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("sys")).send();
            pub.publishWith().topic("$other/x").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("dollar")).send();
            pub.publishWith().topic("plain/x").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("plain")).send();

            assertThat(receive(sysIn).getTopic().toString()).as("an explicit $SYS filter matches").isEqualTo("$SYS/x");
            assertThat(receive(hashIn).getTopic().toString()).as("# skips $ topics").isEqualTo("plain/x");
            assertThat(receive(plusIn).getTopic().toString()).as("+/x skips $ topics").isEqualTo("plain/x");
        } finally {
            hash.disconnect();
            plus.disconnect();
            sys.disconnect();
            pub.disconnect();
        }
    }
}
