package io.starling.cluster;

import io.starling.api.Message;
import io.starling.api.QoS;
import io.starling.codec.Topics;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * While a stopping node hands its persistent sessions over, the other nodes still route to it (it holds back its
 * route changes until it leaves, so that no node ever sees neither it nor the new holder subscribed): a forwarded
 * QoS 1/2 message the subscriptions of those sessions would have taken is refused, so that its publisher is told
 * and sends it again, rather than have it acknowledged here for a session that has gone. Over-refusing costs a
 * duplicate; accepting would cost a loss.
 */
final class HandOverFence {
    /** The filters the subscriptions match with, shared ones without their {@code $share/<group>/}. */
    private final Set<String> filters = ConcurrentHashMap.newKeySet();

    void add(Collection<String> subscriptionFilters) {
        for (String f : subscriptionFilters) {
            String unshared = Topics.unshared(f);
            if (unshared != null) {
                filters.add(unshared);
            }
        }
    }

    boolean refuses(Message message) {
        if (message.qos() == QoS.AT_MOST_ONCE) {
            return false;
        }
        for (String f : filters) {
            if (Topics.matches(f, message.topic())) {
                return true;
            }
        }
        return false;
    }
}
