package io.starling.broker.security;

import io.starling.api.ClientInfo;
import io.starling.api.auth.Authorizer.Action;
import io.starling.broker.config.AccessRules;
import io.starling.auth.common.TopicRule;
import io.starling.codec.Topics;
import java.util.List;

/**
 * One rule of {@code etc/acl.conf}, as emqttd's {@code {allow, {user, "x"}, subscribe, ["a/#", {eq, "#"}]}}:
 * who it is for (everyone, a user, a client id, addresses, or bridges), for what action, on which topics.
 *
 * @param who    null for everyone
 * @param topics filters with {@code %c}/{@code %u} placeholders; an {@code eq } prefix matches the filter as
 *               written only; empty matches every topic
 */
record AclRule(boolean allow, Who who, Action action, List<String> topics) {

    /** Whom a rule is for. */
    sealed interface Who permits User, ClientId, Address, Bridge {
        boolean matches(ClientInfo client);
    }

    /**
     * {@code who = bridge}: a client whose CONNECT set the bridge bit. The bit is the client's claim: a rule for
     * it should grant only what any client may be trusted with (its own notification topic).
     */
    record Bridge() implements Who {
        public boolean matches(ClientInfo client) {
            return client.bridge();
        }
    }

    record User(String name) implements Who {
        public boolean matches(ClientInfo client) {
            return name.equals(client.username());
        }
    }

    record ClientId(String id) implements Who {
        public boolean matches(ClientInfo client) {
            return id.equals(client.clientId());
        }
    }

    record Address(AccessRules rules, String text) implements Who {
        public boolean matches(ClientInfo client) {
            return client.remoteAddress() != null && rules.allows(client.remoteAddress());
        }
    }

    /**
     * As the file says it: {@code permission}, {@code who} ({@code "all"}, {@code "bridge"} or {@code {"user": ..}},
     * {@code {"clientid": ..}}, {@code {"ipaddr": ..}}), {@code action} ({@code publish}, {@code subscribe} or
     * {@code all}) and {@code topics}.
     */
    java.util.Map<String, Object> describe() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("permission", allow ? "allow" : "deny");
        Object whom = "all";
        if (who instanceof Bridge) {
            whom = "bridge";
        } else if (who instanceof User u) {
            whom = java.util.Map.of("user", u.name());
        } else if (who instanceof ClientId c) {
            whom = java.util.Map.of("clientid", c.id());
        } else if (who instanceof Address a) {
            whom = java.util.Map.of("ipaddr", a.text());
        }
        m.put("who", whom);
        m.put("action", action == null ? "all" : action == Action.PUBLISH ? "publish" : "subscribe");
        m.put("topics", topics);
        return m;
    }

    /** Whether the rule decides for this client, action (null: both) and topic. */
    boolean matches(ClientInfo client, Action requested, String topic) {
        if (action != null && action != requested) {
            return false;
        }
        if (who != null && !who.matches(client)) {
            return false;
        }
        if (topics.isEmpty()) {
            return true;
        }
        for (String t : topics) {
            if (t.startsWith("eq ")) {
                if (t.substring(3).equals(topic)) {
                    return true;
                }
                continue;
            }
            String filter = TopicRule.fill(t, client);
            if (filter != null && Topics.covers(filter, topic)) {
                return true;
            }
        }
        return false;
    }
}
