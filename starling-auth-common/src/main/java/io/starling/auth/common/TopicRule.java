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
     * {@code %u}, a value holding {@code +}, {@code #} or {@code /}, which would widen the filter, or one beginning
     * with {@code $} at the start of the filter, which would move it to the {@code $SYS} topics. One pass over
     * the template: a value is never read again, so a client id {@code a%ub} stays {@code a%ub} and does not take
     * in the username. A template without placeholders is returned as it is.
     */
    public static String fill(String filter, ClientInfo client) {
        int percent = filter.indexOf('%');
        if (percent < 0) {
            return filter;
        }
        StringBuilder out = new StringBuilder(filter.length() + 32);
        int copied = 0;
        while (percent >= 0 && percent + 1 < filter.length()) {
            char p = filter.charAt(percent + 1);
            if (p != 'c' && p != 'u') {
                percent = filter.indexOf('%', percent + 1);
                continue;
            }
            String value = p == 'c' ? client.clientId() : client.username();
            if (!literal(value) || (percent == 0 && value.charAt(0) == '$')) {
                return null; // "$SYS" for "%c/#" would be $SYS/#: a value never moves a filter under '$'
            }
            out.append(filter, copied, percent).append(value);
            copied = percent + 2;
            percent = filter.indexOf('%', copied);
        }
        return out.append(filter, copied, filter.length()).toString();
    }

    private static boolean literal(String value) {
        return value != null && !value.isEmpty() && value.indexOf('+') < 0 && value.indexOf('#') < 0
                && value.indexOf('/') < 0;
    }
}
