package io.starling.broker.security;

import io.starling.api.ClientInfo;
import io.starling.api.auth.Authorizer.Action;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an ACL should decide, written from the rules' description and not from the node's code: its own reading
 * of a shared subscription, its own placeholder filling (a regular expression over the template, so one pass by
 * construction), its own topic matching, and "a rule covers a requested filter" taken literally: the rule matches
 * every topic name the filter matches, checked on a set of topic names that stands for all of them.
 */
final class ReferenceAcl {
    /** A level no rule or filter of the property test names, and which does not begin with '$'. */
    private static final String FRESH = "fresh~level";
    private static final Pattern PLACEHOLDER = Pattern.compile("%([cu])");

    /** Whom a rule is for: everyone, the username, or the client id. */
    enum WhoKind { ALL, USER, CLIENT_ID }

    /**
     * @param action null for both
     * @param topics empty for every topic; "eq x" for the filter x as written
     */
    record Rule(boolean allow, WhoKind who, String name, Action action, List<String> topics) {
    }

    private ReferenceAcl() {
    }

    static boolean decide(List<Rule> rules, boolean noMatchAllows, ClientInfo client, Action action,
            String requested) {
        if (client.superuser()) {
            return true;
        }
        String filter = action == Action.SUBSCRIBE ? withoutShare(requested) : requested;
        if (filter == null) {
            return false;
        }
        for (Rule rule : rules) {
            if (rule.action() != null && rule.action() != action) {
                continue;
            }
            boolean forClient = switch (rule.who()) {
                case ALL -> true;
                case USER -> rule.name().equals(client.username());
                case CLIENT_ID -> rule.name().equals(client.clientId());
            };
            if (!forClient) {
                continue;
            }
            if (rule.topics().isEmpty()) {
                return rule.allow();
            }
            for (String topic : rule.topics()) {
                boolean applies;
                if (topic.startsWith("eq ")) {
                    applies = topic.substring("eq ".length()).equals(filter);
                } else {
                    String filled = fill(topic, client);
                    applies = filled != null && covers(filled, filter);
                }
                if (applies) {
                    return rule.allow();
                }
            }
        }
        return noMatchAllows;
    }

    /** The filter of {@code $share/<group>/f} or {@code $queue/f}; a plain filter as it is; null if malformed. */
    static String withoutShare(String filter) {
        if (filter.startsWith("$queue/")) {
            String rest = filter.substring("$queue/".length());
            return rest.isEmpty() ? null : rest;
        }
        if (!filter.startsWith("$share/")) {
            return filter;
        }
        String rest = filter.substring("$share/".length());
        int slash = rest.indexOf('/');
        if (slash < 1) {
            return null;
        }
        String group = rest.substring(0, slash);
        String f = rest.substring(slash + 1);
        return group.contains("+") || group.contains("#") || f.isEmpty() ? null : f;
    }

    /** %c and %u replaced; null when a value is missing, empty, holds +, # or /, or would put the filter under '$'. */
    static String fill(String template, ClientInfo client) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = m.group(1).equals("c") ? client.clientId() : client.username();
            if (value == null || value.isEmpty() || value.contains("+") || value.contains("#") || value.contains("/")
                    || (m.start() == 0 && value.startsWith("$"))) {
                return null;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    static List<String> levels(String s) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= s.length(); i++) {
            if (i == s.length() || s.charAt(i) == '/') {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        return out;
    }

    /** Whether a filter matches a topic name, as MQTT says: a leading wildcard never matches a '$' topic. */
    static boolean matches(String filter, String topic) {
        List<String> f = levels(filter);
        List<String> t = levels(topic);
        if (topic.startsWith("$") && (f.get(0).equals("+") || f.get(0).equals("#"))) {
            return false;
        }
        return matches(f, 0, t, 0);
    }

    private static boolean matches(List<String> f, int fi, List<String> t, int ti) {
        if (fi == f.size()) {
            return ti == t.size();
        }
        if (f.get(fi).equals("#")) {
            return true; // the rest, or nothing: "a/#" matches "a"
        }
        if (ti == t.size()) {
            return false;
        }
        return (f.get(fi).equals("+") || f.get(fi).equals(t.get(ti))) && matches(f, fi + 1, t, ti + 1);
    }

    /** Whether the rule matches every topic name the requested filter (or name) matches. */
    static boolean covers(String rule, String requested) {
        for (String topic : standIns(requested, levels(rule).size() + 1)) {
            if (!matches(rule, topic)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Topic names the filter matches that stand for all it matches: each + a level no rule names, a # nothing (but
     * not at the top: there is no empty topic) or 1..{@code depth} such levels. A rule matching all of these
     * matches every name the filter does, since a level no rule names is one only + and # can match.
     */
    private static List<String> standIns(String filter, int depth) {
        List<String> f = levels(filter);
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < f.size(); i++) {
            String level = f.get(i);
            if (level.equals("#")) {
                List<String> out = new ArrayList<>();
                if (i > 0) {
                    out.add(prefix.substring(0, prefix.length() - 1));
                }
                StringBuilder more = new StringBuilder(prefix);
                for (int k = 1; k <= depth; k++) {
                    more.append(FRESH);
                    out.add(more.toString());
                    more.append('/');
                }
                return out;
            }
            prefix.append(level.equals("+") ? FRESH : level).append('/');
        }
        return List.of(prefix.substring(0, prefix.length() - 1));
    }
}
