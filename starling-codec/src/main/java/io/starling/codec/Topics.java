package io.starling.codec;

/** The specification's rules for topic names and topic filters. */
public final class Topics {
    public static final String SHARE_PREFIX = "$share/";
    public static final String QUEUE_PREFIX = "$queue/";

    private Topics() {
    }

    /** A name a message is published to: not empty, no wildcards. */
    public static boolean isValidTopicName(String topic) {
        if (topic.isEmpty()) {
            return false;
        }
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            if (c == '+' || c == '#') {
                return false;
            }
        }
        return true;
    }

    /**
     * A filter a client subscribes with: not empty, {@code +} alone in its level, {@code #} alone in the last
     * level; for a shared subscription the group name has no wildcards and a filter follows it.
     */
    public static boolean isValidTopicFilter(String filter) {
        if (filter.isEmpty()) {
            return false;
        }
        int start = sharedFilterStart(filter);
        return start >= 0 && isValidPlainFilter(start == 0 ? filter : filter.substring(start));
    }

    /**
     * Where the filter a subscription matches with begins: 0 for a plain filter, past {@code $share/<group>/} or
     * {@code $queue/} for a shared one, -1 for a shared one without a group, with wildcards in its group, or
     * with nothing after the prefix. The one place that takes a shared subscription apart.
     */
    public static int sharedFilterStart(String filter) {
        if (filter.startsWith(SHARE_PREFIX)) {
            int slash = filter.indexOf('/', SHARE_PREFIX.length());
            if (slash <= SHARE_PREFIX.length() || slash == filter.length() - 1) {
                return -1;
            }
            for (int i = SHARE_PREFIX.length(); i < slash; i++) {
                char c = filter.charAt(i);
                if (c == '+' || c == '#') {
                    return -1;
                }
            }
            return slash + 1;
        }
        if (filter.startsWith(QUEUE_PREFIX)) {
            return filter.length() > QUEUE_PREFIX.length() ? QUEUE_PREFIX.length() : -1;
        }
        return 0;
    }

    /**
     * The filter a subscription matches with: {@code a/b} for {@code $share/g/a/b} and {@code $queue/a/b}, the
     * filter itself when it is not shared (nothing allocated), null when the shared prefix is malformed.
     */
    public static String unshared(String filter) {
        int start = sharedFilterStart(filter);
        return start == 0 ? filter : start < 0 ? null : filter.substring(start);
    }

    private static boolean isValidPlainFilter(String filter) {
        int length = filter.length();
        for (int i = 0; i < length; i++) {
            char c = filter.charAt(i);
            if (c == '+' || c == '#') {
                boolean startsLevel = i == 0 || filter.charAt(i - 1) == '/';
                boolean endsLevel = i == length - 1 || filter.charAt(i + 1) == '/';
                if (!startsLevel || !endsLevel) {
                    return false;
                }
                if (c == '#' && i != length - 1) {
                    return false;
                }
            }
        }
        return true;
    }

    public static boolean hasWildcard(String filter) {
        return filter.indexOf('+') >= 0 || filter.indexOf('#') >= 0;
    }

    public static boolean isShared(String filter) {
        return filter.startsWith(SHARE_PREFIX) || filter.startsWith(QUEUE_PREFIX);
    }

    /** Number of levels in a topic name or filter: one more than the number of slashes. */
    public static int levels(String topic) {
        int levels = 1;
        for (int i = 0; i < topic.length(); i++) {
            if (topic.charAt(i) == '/') {
                levels++;
            }
        }
        return levels;
    }

    /**
     * Whether a topic filter matches a topic name (or, for authorization rules, another filter taken
     * literally). Leading wildcards do not match names that begin with '$'. Not for the message path: the
     * router matches through its trie.
     */
    public static boolean matches(String filter, String topic) {
        if (topic.startsWith("$") && (filter.startsWith("+") || filter.startsWith("#"))) {
            return false;
        }
        String[] f = filter.split("/", -1);
        String[] t = topic.split("/", -1);
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals("#")) {
                return true;
            }
            if (i >= t.length) {
                return false;
            }
            if (!f[i].equals("+") && !f[i].equals(t[i])) {
                return false;
            }
        }
        return f.length == t.length;
    }

    /**
     * Whether every topic that {@code requested} (a topic name, or a subscription's filter) can match is matched
     * by {@code rule}: what authorization asks. Unlike {@link #matches} on the filter taken literally, a rule
     * {@code a/+} does not cover a request for {@code a/#}, nor {@code a/b} one for {@code a/+}; {@code +/#} covers
     * {@code #}. A deny rule, the same way, applies only to what it covers: {@code a/b} does not deny {@code a/+}.
     */
    public static boolean covers(String rule, String requested) {
        if (requested.startsWith("$") && (rule.startsWith("+") || rule.startsWith("#"))) {
            return false;
        }
        String[] r = rule.split("/", -1);
        String[] q = requested.split("/", -1);
        for (int i = 0; i < r.length; i++) {
            if (r[i].equals("#")) {
                return true;
            }
            if (i >= q.length) {
                return false;
            }
            if (q[i].equals("#")) {
                // Below the top the request matches its parent level, which only a rule's # matches. At the top
                // there is no parent (no topic is empty): "+/#" matches what "#" does.
                return i == 0 && r.length == 2 && r[0].equals("+") && r[1].equals("#");
            }
            if (q[i].equals("+") ? !r[i].equals("+") : !r[i].equals("+") && !r[i].equals(q[i])) {
                return false;
            }
        }
        return r.length == q.length;
    }
}
