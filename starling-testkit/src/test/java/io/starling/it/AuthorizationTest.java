package io.starling.it;

import static io.starling.it.Clients.bytes;
import static io.starling.it.Clients.receive;
import static io.starling.it.Clients.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3SubAckException;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAck;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAck;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.starling.testkit.StarlingExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A subscribe rule from {@code authorization.rules}: the denied filter is refused in SUBACK with 0x80 (for MQTT 5
 * too, where 0x87 Not authorized would also be allowed: the node does not tell which filters its rules protect,
 * and the Paho interoperability suite expects 0x80; MQTT 5 clients get the reason in a reason string), the other
 * filters of the same SUBSCRIBE are granted, and nothing is delivered for the refused one.
 */
class AuthorizationTest {

    @RegisterExtension
    static final StarlingExtension BROKER = StarlingExtension.create(b -> b.config(
            "authorization.rules = [{permission = deny, action = subscribe, topic = \"test/nosubscribe\"}]"));

    @Test
    void mqtt5SubscribeToADeniedTopicIsRefused() {
        Mqtt5BlockingClient client = Clients.connectedV5(BROKER, Clients.id("deny5"));
        try {
            assertThatThrownBy(() -> client.subscribeWith().topicFilter("test/nosubscribe")
                    .qos(MqttQos.AT_LEAST_ONCE).send())
                    .isInstanceOfSatisfying(Mqtt5SubAckException.class, e -> {
                        Mqtt5SubAck ack = e.getMqttMessage();
                        assertThat(ack.getReasonCodes()).containsExactly(Mqtt5SubAckReasonCode.UNSPECIFIED_ERROR);
                        assertThat(ack.getReasonString().map(Object::toString))
                                .hasValueSatisfying(r -> assertThat(r).contains("not authorized"));
                    });
        } finally {
            client.disconnect();
        }
    }

    @Test
    void mqtt5DeniedFilterDoesNotAffectTheOthersInTheSameSubscribe() {
        Mqtt5BlockingClient client = Clients.connectedV5(BROKER, Clients.id("mixed5"));
        String allowed = Clients.topic("allowed");
        try (var in = Clients.publishes(client)) {
            // HiveMQ reports a SUBACK with any failure as an exception that carries the SUBACK.
            Mqtt5SubAck ack = catchThrowableOfType(Mqtt5SubAckException.class, () -> client.subscribeWith()
                    .topicFilter(allowed).qos(MqttQos.AT_LEAST_ONCE)
                    .addSubscription().topicFilter("test/nosubscribe").qos(MqttQos.AT_LEAST_ONCE).applySubscription()
                    .send()).getMqttMessage();
            assertThat(ack.getReasonCodes()).containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_1,
                    Mqtt5SubAckReasonCode.UNSPECIFIED_ERROR);

            // Publishing there is not denied, but nobody may have subscribed: the allowed topic proves the order.
            client.publishWith().topic("test/nosubscribe").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("no")).send();
            client.publishWith().topic(allowed).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("yes")).send();
            assertThat(text(receive(in))).isEqualTo("yes");
        } finally {
            client.disconnect();
        }
    }

    @Test
    void mqtt311SubscribeToADeniedTopicIsAnsweredFailure() {
        Mqtt3BlockingClient client = Clients.connectedV3(BROKER, Clients.id("deny3"));
        String allowed = Clients.topic("allowed3");
        try {
            Mqtt3SubAck ack = catchThrowableOfType(Mqtt3SubAckException.class, () -> client.subscribeWith()
                    .topicFilter(allowed).qos(MqttQos.AT_LEAST_ONCE)
                    .addSubscription().topicFilter("test/nosubscribe").qos(MqttQos.AT_LEAST_ONCE).applySubscription()
                    .send()).getMqttMessage();
            assertThat(ack.getReturnCodes()).containsExactly(Mqtt3SubAckReturnCode.SUCCESS_MAXIMUM_QOS_1,
                    Mqtt3SubAckReturnCode.FAILURE);
            assertThatThrownBy(() -> client.subscribeWith().topicFilter("test/nosubscribe")
                    .qos(MqttQos.AT_MOST_ONCE).send())
                    .isInstanceOfSatisfying(Mqtt3SubAckException.class, e -> assertThat(
                            e.getMqttMessage().getReturnCodes()).containsExactly(Mqtt3SubAckReturnCode.FAILURE));
        } finally {
            client.disconnect();
        }
    }

    @Test
    void aSharedSubscriptionIsJudgedOnTheFilterItMatchesWith() {
        Mqtt5BlockingClient client = Clients.connectedV5(BROKER, Clients.id("shared5"));
        try {
            Mqtt5SubAck ack = catchThrowableOfType(Mqtt5SubAckException.class, () -> client.subscribeWith()
                    .topicFilter("$share/g/test/nosubscribe").qos(MqttQos.AT_LEAST_ONCE)
                    .addSubscription().topicFilter("$queue/test/nosubscribe").qos(MqttQos.AT_LEAST_ONCE)
                    .applySubscription()
                    .addSubscription().topicFilter("$share/g/test/other").qos(MqttQos.AT_LEAST_ONCE).applySubscription()
                    .send()).getMqttMessage();
            assertThat(ack.getReasonCodes()).containsExactly(Mqtt5SubAckReasonCode.UNSPECIFIED_ERROR,
                    Mqtt5SubAckReasonCode.UNSPECIFIED_ERROR, Mqtt5SubAckReasonCode.GRANTED_QOS_1);
        } finally {
            client.disconnect();
        }
    }
}
