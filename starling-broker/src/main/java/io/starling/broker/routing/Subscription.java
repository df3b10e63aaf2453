package io.starling.broker.routing;

/**
 * A topic filter held by a destination, with its MQTT 5 options. For shared subscriptions {@code topicFilter}
 * is the filter without the {@code $share/group/} prefix.
 *
 * @param subscriptionId 0 when the subscriber set none
 */
public record Subscription(String topicFilter, Destination destination, int qos, boolean noLocal,
        boolean retainAsPublished, int retainHandling, int subscriptionId) {
}
