package io.starling.api;

import java.util.List;

/**
 * The MQTT 5 properties that travel with an application message from publisher to subscriber.
 * Absent values are {@code null}; {@code userProperties} is never null.
 *
 * @param payloadFormatIndicator 0 unspecified bytes, 1 UTF-8, or null when not sent
 * @param messageExpirySeconds lifetime the publisher asked for, or null for no expiry
 * @param correlationData      opaque bytes; callers must not modify the array
 */
public record MessageProperties(
        Integer payloadFormatIndicator,
        Long messageExpirySeconds,
        String contentType,
        String responseTopic,
        byte[] correlationData,
        List<UserProperty> userProperties) {

    public static final MessageProperties NONE = new MessageProperties(null, null, null, null, null, List.of());

    public MessageProperties {
        userProperties = userProperties == null ? List.of() : List.copyOf(userProperties);
    }

    public boolean isEmpty() {
        return payloadFormatIndicator == null && messageExpirySeconds == null && contentType == null
                && responseTopic == null && correlationData == null && userProperties.isEmpty();
    }

    public MessageProperties withMessageExpirySeconds(Long seconds) {
        return new MessageProperties(payloadFormatIndicator, seconds, contentType, responseTopic, correlationData,
                userProperties);
    }
}
