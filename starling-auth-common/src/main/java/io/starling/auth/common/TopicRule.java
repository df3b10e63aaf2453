package io.starling.auth.common;

import io.starling.api.ClientInfo;
import io.starling.api.auth.Authorizer.Action;
import io.starling.api.auth.Authorizer.Decision;
import io.starling.codec.Topics;
import java.util.List;

/**
 * One ACL entry as backends hand them out (a row, a hash field, an LDAP attribute): allow or deny an action on a
 * topic filter with {@code %c}/{@code %u} placeholders, or an exact topic with an {@code eq } prefix.
 *
 * @param action null for both publish and subscribe
 */
public record TopicRule(boolean allow, Action action, String topic) {

    /** emqttd's access codes: 1 subscribe, 2 publish, 3 both; or the words subscribe, publish, pubsub, all. */
    public static Action access(String code) {
        return switch (code == null ? "3" : code.trim()) {
            case "1", "subscribe", "sub" -> Action.SUBSCRIBE;
            case "2", "publish", "pub" -> Action.PUBLISH;
            case "3", "pubsub", "all", "" -> null;
            default -> throw new IllegalArgumentException("access '" + code
                    + "' is not 1 (subscribe), 2 (publish) or 3 (both)");
        };
    }

    public boolean matches(ClientInfo client, Action requested, String requestedTopic) {
        if (action != null && action != requested) {
            return false;
        }
        if (topic.startsWith("eq ")) {
            return topic.substring(3).equals(requestedTopic);
        }
        String filter = fill(topic, client);
        return filter != null && Topics.covers(filter, requestedTopic);
    }

    /** The first rule that matches decides; none: {@link Decision#IGNORE}. */
    public static Decision decide(List<TopicRule> rules, ClientInfo client, Action action, String topic) {
        for (TopicRule r : rules) {
            if (r.matches(client, action, topic)) {
                return r.allow ? Decision.ALLOW : Decision.DENY;
            }
        }
        return Decision.IGNORE;
    }

    /**
     * The filter with {@code %c} and {@code %u} filled in, or null when the rule cannot apply: no username for
     * {@code %u}, or a value holding {@code +}, {@code #} or {@code /}, which would widen the filter.
     */
    public static String fill(String filter, ClientInfo client) {
        String out = filter;
        if (out.contains("%c")) {
            if (!literal(client.clientId())) {
                return null;
            }
            out = out.replace("%c", client.clientId());
        }
        if (out.contains("%u")) {
            if (client.username() == null || !literal(client.username())) {
                return null;
            }
            out = out.replace("%u", client.username());
        }
        return out;
    }

    private static boolean literal(String value) {
        return value != null && !value.isEmpty() && value.indexOf('+') < 0 && value.indexOf('#') < 0
                && value.indexOf('/') < 0;
    }
}
