package io.starling.stomp;

import io.starling.api.Message;
import io.starling.api.MessageProperties;
import io.starling.api.QoS;
import io.starling.api.UserProperty;
import io.starling.broker.delivery.Delivery;
import io.starling.stomp.frame.StompFrame;
import io.starling.stomp.frame.StompVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * SEND frames into MQTT messages and MQTT messages into MESSAGE frames. {@code content-type} is the MQTT 5 content
 * type both ways; the headers STOMP does not define travel as MQTT 5 user properties, and user properties come
 * back as headers.
 */
final class MessageFrames {
    /** SEND headers the node reads: not copied into user properties. */
    private static final Set<String> SEND_HEADERS = Set.of("destination", "content-length", "content-type",
            "receipt", "transaction", "qos", "retain");
    /** MESSAGE headers the node writes: a user property of the same name does not replace them. */
    private static final Set<String> MESSAGE_HEADERS = Set.of("destination", "message-id", "subscription", "ack",
            "content-type", "content-length", "redelivered", "retain");

    private MessageFrames() {
    }

    static Message fromSend(StompFrame send, String topic, QoS qos, boolean retain, String publisherId) {
        List<UserProperty> user = new ArrayList<>(0);
        for (Map.Entry<String, String> h : send.headers().entrySet()) {
            if (!SEND_HEADERS.contains(h.getKey())) {
                user.add(new UserProperty(h.getKey(), h.getValue()));
            }
        }
        String contentType = send.header("content-type");
        MessageProperties props = contentType == null && user.isEmpty() ? MessageProperties.NONE
                : new MessageProperties(null, null, contentType, null, null, user);
        return new Message(topic, send.body(), qos, retain, props, publisherId, System.currentTimeMillis());
    }

    /** An ERROR frame: the message in a header and, with the command that caused it, in the body. */
    static StompFrame error(String message, StompFrame cause, String versionHeader) {
        byte[] body = (message + (cause == null ? "" : "\n(in response to " + cause.command() + ")") + "\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return StompFrame.builder("ERROR").header("message", message)
                .header("receipt-id", cause == null ? null : cause.header("receipt"))
                .header("version", versionHeader)
                .header("content-type", "text/plain")
                .header("content-length", Integer.toString(body.length))
                .body(body).build();
    }

    /**
     * A MESSAGE frame for a delivery. {@code ackId} is null when no acknowledgement is expected (1.2 then sends no
     * {@code ack} header); {@code subscription} is the id the client subscribed with.
     */
    static StompFrame message(Delivery d, String subscription, String destination, String messageId, String ackId,
            boolean redelivered, StompVersion version) {
        Message m = d.message();
        StompFrame.Builder b = StompFrame.builder("MESSAGE")
                .header("subscription", subscription)
                .header("message-id", messageId)
                .header("destination", destination);
        if (ackId != null && version == StompVersion.V1_2) {
            b.header("ack", ackId);
        }
        b.header("content-type", m.properties().contentType());
        if (redelivered) {
            b.header("redelivered", "true");
        }
        if (d.retain()) {
            b.header("retain", "true");
        }
        for (UserProperty p : m.properties().userProperties()) {
            if (!MESSAGE_HEADERS.contains(p.name())) {
                b.header(p.name(), p.value());
            }
        }
        b.header("content-length", Integer.toString(m.payload().length));
        return b.body(m.payload()).build();
    }
}
