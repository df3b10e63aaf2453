package io.starling.broker.routing;

import io.starling.api.Message;
import io.starling.broker.config.SharedStrategy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The route table and the one message path: {@link #route} finds every destination whose filters match a
 * topic and hands each the message once, with all of its matching subscriptions.
 */
public final class Router {
    private static final Comparator<Subscription> BY_DESTINATION_HASH = Comparator.comparingInt(Router::destinationHash);

    private final TopicTrie trie = new TopicTrie();
    private final Map<String, SharedGroup> groups = new ConcurrentHashMap<>();
    private final SharedStrategy sharedStrategy;
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    /** What one thread's routing reuses from message to message. */
    private static final class Scratch {
        final ArrayList<Subscription> matches = new ArrayList<>(16);
        final TopicLevel level = new TopicLevel();
    }

    public Router(SharedStrategy sharedStrategy) {
        this.sharedStrategy = sharedStrategy;
    }

    /** Adds or replaces a subscription; returns true when the destination had no subscription to that filter. */
    public boolean subscribe(Subscription subscription) {
        return trie.add(subscription) == null;
    }

    public boolean unsubscribe(String topicFilter, Destination destination) {
        return trie.remove(topicFilter, destination) != null;
    }

    /** Adds a member to a shared group, creating the group on first use; true when the member is new. */
    public boolean subscribeShared(String group, Subscription member) {
        synchronized (groups) {
            String key = group + "/" + member.topicFilter();
            SharedGroup shared = groups.get(key);
            if (shared == null) {
                shared = new SharedGroup(group, member.topicFilter(), sharedStrategy);
                groups.put(key, shared);
                trie.add(new Subscription(member.topicFilter(), shared, 2, false, false, 2, 0));
            }
            return shared.add(member);
        }
    }

    public boolean unsubscribeShared(String group, String topicFilter, Destination member) {
        synchronized (groups) {
            String key = group + "/" + topicFilter;
            SharedGroup shared = groups.get(key);
            if (shared == null || !shared.remove(member)) {
                return false;
            }
            if (shared.isEmpty()) {
                groups.remove(key);
                trie.remove(topicFilter, shared);
            }
            return true;
        }
    }

    /**
     * Delivers the message to every matching destination and returns how many there were. A destination with
     * several matching filters gets it once.
     */
    public int route(Message message) {
        return route(message, null);
    }

    /** As {@link #route(Message)}, telling {@code congestion} (when not null) of every destination that is behind. */
    public int route(Message message, Congestion congestion) {
        Scratch reused = scratch.get();
        ArrayList<Subscription> matches = reused.matches;
        matches.clear();
        try {
            trie.match(message.topic(), reused.level, matches);
            int n = matches.size();
            if (n == 0) {
                return 0;
            }
            if (n == 1) {
                Subscription s = matches.get(0);
                deliver(message, s.destination(), List.of(s), congestion);
                return 1;
            }
            // A copy: a delivery may route again on this thread, which reuses the scratch list.
            return deliverGrouped(message, matches.toArray(new Subscription[n]), congestion);
        } finally {
            matches.clear();
        }
    }

    /**
     * Hands each destination the message once, with all of its matching subscriptions. Sorted by the hash of the
     * destination's id, a destination's subscriptions lie next to each other: grouping them takes no map.
     */
    private static int deliverGrouped(Message message, Subscription[] matches, Congestion congestion) {
        Arrays.sort(matches, BY_DESTINATION_HASH);
        int destinations = 0;
        int start = 0;
        while (start < matches.length) {
            int hash = destinationHash(matches[start]);
            int end = start + 1;
            while (end < matches.length && destinationHash(matches[end]) == hash) {
                end++;
            }
            if (end - start == 1) {
                deliver(message, matches[start].destination(), List.of(matches[start]), congestion);
                destinations++;
            } else {
                destinations += deliverSameHash(message, matches, start, end, congestion);
            }
            start = end;
        }
        return destinations;
    }

    /** Matches {@code [start, end)} share an id hash: one destination matched several times, or ids that collide. */
    private static int deliverSameHash(Message message, Subscription[] matches, int start, int end,
            Congestion congestion) {
        int destinations = 0;
        for (int i = start; i < end; i++) {
            if (matches[i] == null) {
                continue;
            }
            Destination d = matches[i].destination();
            List<Subscription> mine = new ArrayList<>(end - i);
            for (int j = i; j < end; j++) {
                if (matches[j] != null && matches[j].destination() == d) {
                    mine.add(matches[j]);
                    matches[j] = null;
                }
            }
            deliver(message, d, mine, congestion);
            destinations++;
        }
        return destinations;
    }

    private static void deliver(Message message, Destination d, List<Subscription> matched, Congestion congestion) {
        d.deliver(message, matched, null);
        if (congestion != null && d.congested()) {
            congestion.congested(d);
        }
    }

    private static int destinationHash(Subscription s) {
        return s.destination().id().hashCode();
    }

    /** The number of filter subscriptions in the table, shared groups counted once. */
    public int subscriptionCount() {
        return trie.size();
    }

    /** Every subscription in the table: for management views, not the message path. */
    public List<Subscription> subscriptions() {
        return trie.all();
    }

    /** Distinct filters in the table (a shared group's filter once per group): emqttd's topics and routes. */
    public int topicCount() {
        return trie.filterCount();
    }

    public int sharedGroupCount() {
        return groups.size();
    }
}
