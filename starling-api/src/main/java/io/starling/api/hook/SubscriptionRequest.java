package io.starling.api.hook;

/**
 * One topic filter of a SUBSCRIBE as interceptors see it.
 *
 * @param reasonCode 0 to go on; else the SUBACK reason code (0x80 and above) that refuses this filter
 */
public record SubscriptionRequest(String topicFilter, int qos, int reasonCode) {

    public static SubscriptionRequest of(String topicFilter, int qos) {
        return new SubscriptionRequest(topicFilter, qos, 0);
    }

    public SubscriptionRequest withTopicFilter(String newFilter) {
        return new SubscriptionRequest(newFilter, qos, reasonCode);
    }

    public SubscriptionRequest withQos(int newQos) {
        return new SubscriptionRequest(topicFilter, newQos, reasonCode);
    }

    /** Refuses the filter with a SUBACK reason code such as 0x87 not authorized or 0x8F topic filter invalid. */
    public SubscriptionRequest refuse(int code) {
        if (code < 0x80 || code > 0xFF) {
            throw new IllegalArgumentException("a refusal takes a reason code of 0x80 or more, was " + code);
        }
        return new SubscriptionRequest(topicFilter, qos, code);
    }

    public boolean refused() {
        return reasonCode >= 0x80;
    }
}
