package io.starling.broker.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Subscriptions by topic filter, one node per level. Matching is lock-free: nodes keep their subscriptions in
 * copy-on-write arrays and children in concurrent maps. Changes take one lock so that pruning an empty node can
 * never lose a subscription added to it at the same moment.
 */
public final class TopicTrie {

    private static final Subscription[] NONE = new Subscription[0];

    private final Node root = new Node(null, null);
    private final Object writeLock = new Object();
    private int size;
    /** Filters with at least one subscription: the route table's topics. */
    private int filters;

    private static final class Node {
        final Node parent;
        final String level;
        final Map<String, Node> children = new ConcurrentHashMap<>(4);
        volatile Subscription[] subscriptions = NONE;

        Node(Node parent, String level) {
            this.parent = parent;
            this.level = level;
        }
    }

    /** Adds or replaces the destination's subscription to the filter; returns the one it replaced, or null. */
    public Subscription add(Subscription subscription) {
        synchronized (writeLock) {
            Node node = root;
            for (String level : split(subscription.topicFilter())) {
                Node parent = node;
                node = node.children.computeIfAbsent(level, l -> new Node(parent, l));
            }
            Subscription[] current = node.subscriptions;
            for (int i = 0; i < current.length; i++) {
                if (current[i].destination() == subscription.destination()) {
                    Subscription[] copy = current.clone();
                    copy[i] = subscription;
                    node.subscriptions = copy;
                    return current[i];
                }
            }
            Subscription[] grown = java.util.Arrays.copyOf(current, current.length + 1);
            grown[current.length] = subscription;
            node.subscriptions = grown;
            size++;
            if (current.length == 0) {
                filters++;
            }
            return null;
        }
    }

    /** Removes the destination's subscription to the filter; returns it, or null when there was none. */
    public Subscription remove(String topicFilter, Destination destination) {
        synchronized (writeLock) {
            Node node = root;
            for (String level : split(topicFilter)) {
                node = node.children.get(level);
                if (node == null) {
                    return null;
                }
            }
            Subscription[] current = node.subscriptions;
            for (int i = 0; i < current.length; i++) {
                if (current[i].destination() == destination) {
                    Subscription removed = current[i];
                    Subscription[] shrunk = new Subscription[current.length - 1];
                    System.arraycopy(current, 0, shrunk, 0, i);
                    System.arraycopy(current, i + 1, shrunk, i, current.length - i - 1);
                    node.subscriptions = shrunk;
                    size--;
                    if (shrunk.length == 0) {
                        filters--;
                    }
                    prune(node);
                    return removed;
                }
            }
            return null;
        }
    }

    private void prune(Node node) {
        while (node.parent != null && node.subscriptions.length == 0 && node.children.isEmpty()) {
            node.parent.children.remove(node.level, node);
            node = node.parent;
        }
    }

    /** Every subscription whose filter matches the topic name, added to {@code out}. */
    public void match(String topic, List<Subscription> out) {
        match(topic, new TopicLevel(), out);
    }

    /** As {@link #match(String, List)}, looking levels up through {@code level}: nothing is allocated. */
    void match(String topic, TopicLevel level, List<Subscription> out) {
        match(root, topic, 0, topic.startsWith("$"), level, out);
    }

    /** Matches the levels of {@code topic} from index {@code start}; past its end when every level was matched. */
    private static void match(Node node, String topic, int start, boolean dollar, TopicLevel level,
            List<Subscription> out) {
        // A leading wildcard never matches a topic that begins with '$' [MQTT-4.7.2-1].
        boolean wildcardsAllowed = !(dollar && start == 0);
        Node hash = wildcardsAllowed ? node.children.get("#") : null;
        if (hash != null) {
            addAll(hash.subscriptions, out);
        }
        if (start > topic.length()) {
            addAll(node.subscriptions, out);
            return;
        }
        int end = topic.indexOf('/', start);
        if (end < 0) {
            end = topic.length();
        }
        if (wildcardsAllowed) {
            Node plus = node.children.get("+");
            if (plus != null) {
                match(plus, topic, end + 1, dollar, level, out);
            }
        }
        Node exact = node.children.get(level.of(topic, start, end));
        if (exact != null) {
            match(exact, topic, end + 1, dollar, level, out);
        }
    }

    private static void addAll(Subscription[] subscriptions, List<Subscription> out) {
        for (Subscription s : subscriptions) {
            out.add(s);
        }
    }

    /** The number of subscriptions held. */
    public int size() {
        synchronized (writeLock) {
            return size;
        }
    }

    /** The number of distinct filters that have subscriptions. */
    public int filterCount() {
        synchronized (writeLock) {
            return filters;
        }
    }

    /** All subscriptions of all filters; for management views, not the message path. */
    public List<Subscription> all() {
        List<Subscription> out = new ArrayList<>();
        collect(root, out);
        return out;
    }

    private static void collect(Node node, List<Subscription> out) {
        addAll(node.subscriptions, out);
        for (Node child : node.children.values()) {
            collect(child, out);
        }
    }

    static String[] split(String topic) {
        int count = 1;
        for (int i = 0; i < topic.length(); i++) {
            if (topic.charAt(i) == '/') {
                count++;
            }
        }
        String[] levels = new String[count];
        int start = 0;
        int index = 0;
        for (int i = 0; i < topic.length(); i++) {
            if (topic.charAt(i) == '/') {
                levels[index++] = topic.substring(start, i);
                start = i + 1;
            }
        }
        levels[index] = topic.substring(start);
        return levels;
    }
}
