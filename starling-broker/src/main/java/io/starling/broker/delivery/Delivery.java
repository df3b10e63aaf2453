package io.starling.broker.delivery;

import io.starling.api.Message;
import io.starling.api.QoS;
import io.starling.broker.routing.SharedGroup;

/**
 * A message on its way to one subscriber: the QoS and retain flag it is sent with, the subscription identifiers
 * that matched, and the shared group that chose this subscriber (null for plain subscriptions).
 */
public record Delivery(Message message, QoS qos, boolean retain, int[] subscriptionIds, SharedGroup group) {

    public static final int[] NO_IDS = new int[0];
}
