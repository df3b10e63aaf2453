package io.starling.api;

import java.util.Objects;

/**
 * An application message as the broker routes it: immutable, independent of any connection or packet id.
 *
 * @param payload         the bytes published; callers must not modify the array
 * @param publisherId     client id of the publisher, or a source name such as {@code $bridge}
 * @param createdAtMillis wall-clock time the broker received it, used to count down message expiry
 */
public record Message(
        String topic,
        byte[] payload,
        QoS qos,
        boolean retain,
        MessageProperties properties,
        String publisherId,
        long createdAtMillis) {

    public Message {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(qos, "qos");
        properties = properties == null ? MessageProperties.NONE : properties;
    }

    /** True when the publisher set a message expiry interval and it has run out at {@code nowMillis}. */
    public boolean isExpired(long nowMillis) {
        Long expiry = properties.messageExpirySeconds();
        return expiry != null && nowMillis >= createdAtMillis + expiry * 1000L;
    }

    /** Seconds left of the publisher's expiry interval, rounded up; null when the message does not expire. */
    public Long remainingExpirySeconds(long nowMillis) {
        Long expiry = properties.messageExpirySeconds();
        if (expiry == null) {
            return null;
        }
        long leftMillis = createdAtMillis + expiry * 1000L - nowMillis;
        return Math.max(0L, (leftMillis + 999) / 1000);
    }

    public Message withQos(QoS newQos) {
        return newQos == qos ? this : new Message(topic, payload, newQos, retain, properties, publisherId, createdAtMillis);
    }

    public Message withRetain(boolean newRetain) {
        return newRetain == retain ? this
                : new Message(topic, payload, qos, newRetain, properties, publisherId, createdAtMillis);
    }

    public Message withTopic(String newTopic) {
        return new Message(newTopic, payload, qos, retain, properties, publisherId, createdAtMillis);
    }

    /** The same message as if published at {@code millis}: its expiry counts from then. */
    public Message withCreatedAt(long millis) {
        return new Message(topic, payload, qos, retain, properties, publisherId, millis);
    }
}
