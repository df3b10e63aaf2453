package io.starling.api.store;

import io.starling.api.Message;
import io.starling.api.QoS;

/**
 * A message queued for, or in flight to, one persistent session.
 *
 * @param seq             its place in the session's queue: deliveries are restored in this order
 * @param qos             the QoS it is sent with (the lower of the message's and the subscription's)
 * @param subscriptionIds identifiers of the matching subscriptions; callers must not modify the array
 * @param packetId        0 while queued; the packet id it was sent with once in flight
 * @param pubrelSent      for QoS 2 in flight: the client sent PUBREC, so PUBREL is what must be resent
 */
public record StoredDelivery(long seq, Message message, QoS qos, boolean retain, int[] subscriptionIds,
        int packetId, boolean pubrelSent) {
}
