package io.starling.bridge;

import io.starling.broker.config.BridgeConfig.TopicRule;
import io.starling.codec.Topics;
import java.util.List;

/**
 * A bridge's topic rules, both ways: which local filters its session subscribes to and which remote ones its
 * client does, and how a topic is renamed as it crosses (the rule's local prefix for its remote prefix).
 */
final class TopicMap {
    private final List<TopicRule> rules;

    TopicMap(List<TopicRule> rules) {
        this.rules = List.copyOf(rules);
    }

    List<TopicRule> rules() {
        return rules;
    }

    /**
     * The remote topic of a local message, by the rule its subscription identifier names (the rule's index + 1),
     * else by the first {@code out} rule whose local filter matches; null when none does.
     */
    String toRemote(String localTopic, int[] subscriptionIds) {
        for (int id : subscriptionIds) {
            if (id >= 1 && id <= rules.size()) {
                TopicRule r = rules.get(id - 1);
                if (r.direction().out() && Topics.matches(r.localFilter(), localTopic)) {
                    return r.toRemote(localTopic);
                }
            }
        }
        for (TopicRule r : rules) {
            if (r.direction().out() && Topics.matches(r.localFilter(), localTopic)) {
                return r.toRemote(localTopic);
            }
        }
        return null;
    }

    /** The local topic of a message from the remote, by the first {@code in} rule that matches; null when none. */
    String toLocal(String remoteTopic) {
        for (TopicRule r : rules) {
            if (r.direction().in() && Topics.matches(r.remoteFilter(), remoteTopic)) {
                return r.toLocal(remoteTopic);
            }
        }
        return null;
    }

    boolean hasIn() {
        return rules.stream().anyMatch(r -> r.direction().in());
    }
}
