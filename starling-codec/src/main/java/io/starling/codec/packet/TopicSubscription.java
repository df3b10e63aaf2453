package io.starling.codec.packet;

/**
 * One topic filter of a SUBSCRIBE with its options. MQTT 3 clients always have the MQTT 5 defaults:
 * no-local false, retain-as-published false, retain handling 0.
 */
public record TopicSubscription(String topicFilter, int qos, boolean noLocal, boolean retainAsPublished,
        int retainHandling) {

    public static TopicSubscription of(String topicFilter, int qos) {
        return new TopicSubscription(topicFilter, qos, false, false, 0);
    }
}
