package io.starling.broker.config;

import static io.starling.broker.config.ConfigValues.enumValue;
import static io.starling.broker.config.ConfigValues.invalid;
import static io.starling.broker.config.ConfigValues.positive;
import static io.starling.broker.config.ConfigValues.positiveDuration;
import static io.starling.broker.config.ConfigValues.where;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import io.starling.broker.config.ModulesConfig.AutoSubscription;
import io.starling.broker.config.ModulesConfig.RewriteAction;
import io.starling.broker.config.ModulesConfig.RewriteRule;
import io.starling.codec.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Reads {@code modules.*}: presence, auto-subscribe, topic rewrite, delayed publish. */
final class ModulesConfigParser {
    private static final Set<String> SUBSCRIPTION_KEYS = Set.of("topic", "qos", "no_local", "retain_as_published",
            "retain_handling");
    private static final Set<String> RULE_KEYS = Set.of("action", "source", "re", "dest");
    /** Settings that hold lists of objects: their inner keys are checked here, not against the defaults. */
    static final Set<String> OBJECT_LISTS = Set.of("modules.auto_subscribe.topics", "modules.rewrite.rules");

    private ModulesConfigParser() {
    }

    static ModulesConfig parse(Config c) {
        int presenceQos = -1;
        if (c.getBoolean("modules.presence.enabled")) {
            presenceQos = qos(c, "modules.presence.qos");
        }
        List<AutoSubscription> subscriptions = new ArrayList<>();
        if (c.getBoolean("modules.auto_subscribe.enabled")) {
            for (ConfigObject o : c.getObjectList("modules.auto_subscribe.topics")) {
                Config t = checked(o, SUBSCRIPTION_KEYS, "an auto-subscribe topic").withFallback(
                        com.typesafe.config.ConfigFactory.parseString(
                                "qos = 0, no_local = false, retain_as_published = false, retain_handling = 0"));
                String topic = t.getString("topic");
                if (!Topics.isValidTopicFilter(topic.replace("%c", "c").replace("%u", "u"))) {
                    throw invalid(t, "topic", "'" + topic + "' is not a valid topic filter");
                }
                int rh = t.getInt("retain_handling");
                if (rh < 0 || rh > 2) {
                    throw invalid(t, "retain_handling", "must be 0, 1 or 2");
                }
                subscriptions.add(new AutoSubscription(topic, qos(t, "qos"), t.getBoolean("no_local"),
                        t.getBoolean("retain_as_published"), rh));
            }
        }
        List<RewriteRule> rules = new ArrayList<>();
        if (c.getBoolean("modules.rewrite.enabled")) {
            for (ConfigObject o : c.getObjectList("modules.rewrite.rules")) {
                Config r = checked(o, RULE_KEYS, "a rewrite rule")
                        .withFallback(com.typesafe.config.ConfigFactory.parseString("action = all"));
                String source = r.getString("source");
                if (!Topics.isValidTopicFilter(source)) {
                    throw invalid(r, "source", "'" + source + "' is not a valid topic filter");
                }
                Pattern pattern;
                try {
                    pattern = Pattern.compile(r.getString("re"));
                } catch (PatternSyntaxException e) {
                    throw invalid(r, "re", "is not a regular expression: " + e.getDescription());
                }
                rules.add(new RewriteRule(enumValue(r, "action", RewriteAction.class), source, pattern,
                        r.getString("dest")));
            }
        }
        boolean delayed = c.getBoolean("modules.delayed.enabled");
        return new ModulesConfig(presenceQos, subscriptions, rules,
                delayed ? positiveDuration(c, "modules.delayed.max_delay") : null,
                positive(c, "modules.delayed.max_messages"),
                positive(c, "modules.delayed.max_per_client"));
    }

    private static Config checked(ConfigObject o, Set<String> keys, String what) {
        for (String key : o.keySet()) {
            if (!keys.contains(key)) {
                throw new ConfigurationException(where(o.get(key).origin()) + ": unknown setting '" + key + "' in "
                        + what + " (expected " + String.join(", ", keys.stream().sorted().toList()) + ")");
            }
        }
        return o.toConfig();
    }

    private static int qos(Config c, String path) {
        int qos = c.getInt(path);
        if (qos < 0 || qos > 2) {
            throw invalid(c, path, "must be 0, 1 or 2");
        }
        return qos;
    }
}
