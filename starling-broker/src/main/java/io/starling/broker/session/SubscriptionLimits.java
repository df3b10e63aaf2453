package io.starling.broker.session;

import io.starling.broker.config.MqttConfig;
import io.starling.codec.ReasonCode;
import io.starling.codec.Topics;

/**
 * The node's limits on a subscription, the same whichever way it comes (MQTT SUBSCRIBE, STOMP SUBSCRIBE, a
 * bridge's rule): checked after authorization, before the route is added.
 */
public final class SubscriptionLimits {

    /** Why a subscription is refused, with the MQTT 5 reason code a SUBACK gives for it. */
    public enum Refusal {
        SHARED_NOT_AVAILABLE(ReasonCode.SHARED_SUBSCRIPTIONS_NOT_SUPPORTED),
        WILDCARD_NOT_AVAILABLE(ReasonCode.WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED),
        TOO_MANY_LEVELS(ReasonCode.TOPIC_FILTER_INVALID),
        TOO_MANY_SUBSCRIPTIONS(ReasonCode.QUOTA_EXCEEDED);

        private final int reasonCode;

        Refusal(int reasonCode) {
            this.reasonCode = reasonCode;
        }

        public int reasonCode() {
            return reasonCode;
        }

        /** What to tell a client or write in the log. */
        public String describe(MqttConfig mqtt) {
            return switch (this) {
                case SHARED_NOT_AVAILABLE -> "shared subscriptions (and queues) are not available on this node";
                case WILDCARD_NOT_AVAILABLE -> "wildcard subscriptions are not available on this node";
                case TOO_MANY_LEVELS -> "the filter has more than " + mqtt.maxTopicLevels() + " levels";
                case TOO_MANY_SUBSCRIPTIONS -> "more than " + mqtt.maxSubscriptions() + " subscriptions";
            };
        }
    }

    private SubscriptionLimits() {
    }

    /** Why {@code session} may not subscribe to {@code clientFilter} (as sent, with any $share/ prefix), or null. */
    public static Refusal check(MqttConfig mqtt, Session session, String clientFilter) {
        SharedFilter shared = SharedFilter.parse(clientFilter);
        String filter = shared == null ? clientFilter : shared.filter();
        if (shared != null && !mqtt.sharedSubscription()) {
            return Refusal.SHARED_NOT_AVAILABLE;
        }
        if (Topics.hasWildcard(filter) && !mqtt.wildcardSubscription()) {
            return Refusal.WILDCARD_NOT_AVAILABLE;
        }
        if (Topics.levels(filter) > mqtt.maxTopicLevels()) {
            return Refusal.TOO_MANY_LEVELS;
        }
        if (mqtt.maxSubscriptions() > 0 && session.subscriptionCount() >= mqtt.maxSubscriptions()
                && !session.hasSubscription(clientFilter)) {
            return Refusal.TOO_MANY_SUBSCRIPTIONS;
        }
        return null;
    }
}
