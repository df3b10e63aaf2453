package io.starling.broker.config;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The built-in modules, each off unless enabled (delayed publish is on).
 *
 * @param presenceQos     QoS of the presence messages; -1 when the presence module is off
 * @param autoSubscribe   subscriptions made for every client that connects; empty when off
 * @param rewrite         topic rewrite rules in order; empty when off
 * @param delayedMax      longest delay {@code $delayed/<seconds>/...} may ask for; null when delayed publish is off
 * @param delayedMaxCount messages that may wait at once; more are refused (MQTT 5: 0x97 quota exceeded)
 * @param delayedMaxPerClient messages one client id may have waiting at once; more are refused the same way
 */
public record ModulesConfig(int presenceQos, List<AutoSubscription> autoSubscribe, List<RewriteRule> rewrite,
        Duration delayedMax, int delayedMaxCount, int delayedMaxPerClient) {

    public static final ModulesConfig NONE = new ModulesConfig(-1, List.of(), List.of(), null, 0, 0);

    public ModulesConfig {
        autoSubscribe = List.copyOf(autoSubscribe);
        rewrite = List.copyOf(rewrite);
    }

    /** A topic subscribed for each client at connect; {@code %c} and {@code %u} stand for its client id and username. */
    public record AutoSubscription(String topic, int qos, boolean noLocal, boolean retainAsPublished,
            int retainHandling) {
    }

    /** Which topics a rewrite rule applies to. */
    public enum RewriteAction { PUBLISH, SUBSCRIBE, ALL }

    /**
     * emqttd's rewrite rule: a topic (or filter) that matches {@code source} and the regular expression
     * {@code pattern} becomes {@code destination}, with {@code $1}... the expression's groups.
     */
    public record RewriteRule(RewriteAction action, String source, Pattern pattern, String destination) {
    }
}
