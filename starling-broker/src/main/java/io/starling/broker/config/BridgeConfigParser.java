package io.starling.broker.config;

import static io.starling.broker.config.ConfigValues.enumValue;
import static io.starling.broker.config.ConfigValues.invalid;
import static io.starling.broker.config.ConfigValues.nonNegativeBytes;
import static io.starling.broker.config.ConfigValues.positive;
import static io.starling.broker.config.ConfigValues.positiveDuration;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigUtil;
import io.starling.broker.config.BridgeConfig.Address;
import io.starling.broker.config.BridgeConfig.Direction;
import io.starling.broker.config.BridgeConfig.TopicRule;
import io.starling.codec.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads {@code bridges.<name>}: each bridge over the defaults in resource {@code bridge-defaults.conf}. A bridge
 * that cannot work (no address, a topic rule that does not parse) fails the start with its file and line.
 */
final class BridgeConfigParser {
    private static final Config DEFAULTS = ConfigFactory.parseResources(BridgeConfigParser.class,
            "/bridge-defaults.conf").resolve();

    private BridgeConfigParser() {
    }

    /** Whether {@code bridges.<name>.<rest>} is a setting a bridge has. */
    static boolean isKnown(List<String> path) {
        return path.size() >= 3 && DEFAULTS.hasPathOrNull(ConfigUtil.joinPath(path.subList(2, path.size())));
    }

    static List<BridgeConfig> parse(Config root) {
        List<BridgeConfig> result = new ArrayList<>();
        if (!root.hasPath("bridges")) {
            return result;
        }
        for (String name : new java.util.TreeSet<>(root.getConfig("bridges").root().keySet())) {
            String prefix = "bridges." + ConfigUtil.joinPath(name);
            if (!name.matches("[A-Za-z0-9_.-]+")) {
                throw invalid(root, prefix, "is not a valid bridge name (letters, digits, '_', '.', '-')");
            }
            // Kept at its full path so that every error names the bridge's own key.
            Config b = root.getConfig(prefix).withFallback(DEFAULTS).atPath(prefix);
            result.add(bridge(name, prefix + ".", b, root.getString("node.name")));
        }
        return result;
    }

    private static BridgeConfig bridge(String name, String p, Config b, String nodeName) {
        List<Address> addresses = new ArrayList<>();
        for (String a : b.getStringList(p + "addresses")) {
            addresses.add(address(b, p + "addresses", a));
        }
        if (addresses.isEmpty()) {
            throw invalid(b, p + "addresses", "must name at least one remote broker, as \"host:port\"");
        }
        String protocol = b.getString(p + "protocol");
        int version = switch (protocol) {
            case "5", "5.0" -> 5;
            case "3.1.1", "4" -> 4;
            default -> throw invalid(b, p + "protocol", "must be \"5\" or \"3.1.1\", was '" + protocol + "'");
        };
        String clientId = b.getString(p + "client_id");
        if (clientId.isEmpty()) {
            clientId = nodeName.replaceAll("[^A-Za-z0-9_.@-]", "_") + "." + name;
        }
        Duration min = positiveDuration(b, p + "reconnect.min");
        Duration max = positiveDuration(b, p + "reconnect.max");
        if (max.compareTo(min) < 0) {
            throw invalid(b, p + "reconnect.max", "must not be shorter than reconnect.min");
        }
        List<TopicRule> rules = new ArrayList<>();
        for (String rule : b.getStringList(p + "topics")) {
            try {
                rules.add(rule(rule));
            } catch (IllegalArgumentException e) {
                throw invalid(b, p + "topics", "rule '" + rule + "': " + e.getMessage());
            }
        }
        if (rules.isEmpty()) {
            throw invalid(b, p + "topics", "must hold at least one rule, as \"pattern [out|in|both [qos"
                    + " [local-prefix remote-prefix]]]\"");
        }
        int maxInflight = positive(b, p + "max_inflight");
        if (maxInflight > 65535) {
            throw invalid(b, p + "max_inflight", "must be at most 65535");
        }
        String notificationTopic = b.getString(p + "notification_topic");
        if (notificationTopic.isEmpty()) {
            // Mosquitto's default: the remote client id, which the remote's ACL can name with %c.
            notificationTopic = "$SYS/broker/connection/" + (clientId.matches("[^/+#]+") ? clientId : name) + "/state";
        } else if (!Topics.isValidTopicName(notificationTopic)) {
            throw invalid(b, p + "notification_topic", "is not a valid topic name");
        }
        long keepalive = b.getDuration(p + "keepalive").toSeconds();
        if (keepalive < 0 || keepalive > 65535) {
            throw invalid(b, p + "keepalive", "must be between 0 and 65535 seconds");
        }
        return new BridgeConfig(name, b.getBoolean(p + "enabled"), addresses, b.getBoolean(p + "round_robin"), version,
                clientId, b.getBoolean(p + "clean_start"), Duration.ofSeconds(keepalive),
                positiveDuration(b, p + "connect_timeout"), orNull(b, p + "username"),
                orNull(b, p + "password"), b.getBoolean(p + "try_private"), tls(b, p + "tls."), min, max, rules,
                maxInflight, positive(b, p + "queue.max_messages"), nonNegativeBytes(b, p + "queue.max_bytes"),
                enumValue(b, p + "queue.when_full", DropPolicy.class), b.getBoolean(p + "notifications"),
                notificationTopic, b.getBoolean(p + "notifications_local_only"));
    }

    private static Address address(Config b, String path, String value) {
        int colon = value.lastIndexOf(':');
        int port = -1;
        if (colon > 0) {
            try {
                port = Integer.parseInt(value.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
        }
        if (port < 1 || port > 65535) {
            throw invalid(b, path, "must hold \"host:port\" entries, had '" + value + "'");
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new Address(host, port);
    }

    private static BridgeConfig.Tls tls(Config b, String p) {
        if (!b.getBoolean(p + "enabled")) {
            return null;
        }
        Path cert = path(b, p + "certfile");
        Path key = path(b, p + "keyfile");
        if ((cert == null) != (key == null)) {
            throw invalid(b, p + (cert == null ? "certfile" : "keyfile"), "must be set together with "
                    + (cert == null ? "keyfile" : "certfile") + " (the client certificate and its key)");
        }
        return new BridgeConfig.Tls(cert, key, path(b, p + "cacertfile"), b.getBoolean(p + "verify_hostname"));
    }

    private static Path path(Config b, String path) {
        String value = b.getString(path);
        return value.isBlank() ? null : Path.of(value);
    }

    private static String orNull(Config b, String path) {
        String value = b.getString(path);
        return value.isEmpty() ? null : value;
    }

    /**
     * A rule as Mosquitto's {@code topic} line: {@code pattern [out|in|both [qos [local-prefix remote-prefix]]]},
     * {@code ""} for an empty pattern or prefix. Public for the bridge's own checks and tests.
     */
    static TopicRule rule(String text) {
        String[] t = text.trim().split("\\s+");
        if (t.length == 0 || t[0].isEmpty() || t.length > 5 || t.length == 4) {
            throw new IllegalArgumentException("expected 'pattern [out|in|both [qos [local-prefix remote-prefix]]]'");
        }
        String pattern = empty(t[0]);
        Direction direction = Direction.OUT;
        if (t.length > 1) {
            try {
                direction = Direction.valueOf(t[1].toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("direction must be out, in or both, was '" + t[1] + "'");
            }
        }
        int qos = 0;
        if (t.length > 2) {
            if (!t[2].matches("[012]")) {
                throw new IllegalArgumentException("QoS must be 0, 1 or 2, was '" + t[2] + "'");
            }
            qos = Integer.parseInt(t[2]);
        }
        String local = t.length > 3 ? empty(t[3]) : "";
        String remote = t.length > 3 ? empty(t[4]) : "";
        for (String prefix : new String[] {local, remote}) {
            if (prefix.contains("#") || prefix.contains("+")) {
                throw new IllegalArgumentException("a prefix must not hold wildcards, was '" + prefix + "'");
            }
            if (Topics.isShared(prefix) || prefix.startsWith("$queue/")) {
                throw new IllegalArgumentException("a prefix must not be a shared subscription, was '" + prefix + "'");
            }
        }
        TopicRule rule = new TopicRule(pattern, direction, qos, local, remote);
        for (String filter : new String[] {rule.localFilter(), rule.remoteFilter()}) {
            if (filter.isEmpty() || !Topics.isValidTopicFilter(filter) || Topics.isShared(filter)) {
                throw new IllegalArgumentException("'" + filter + "' is not a valid topic filter");
            }
        }
        return rule;
    }

    private static String empty(String token) {
        return token.equals("\"\"") ? "" : token;
    }
}
