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
    /** How many local destinations hold each filter: the cluster replicates the filters, not the subscribers. */
    private final Map<String, Integer> localFilters = new java.util.HashMap<>();
    private final Object changes = new Object();
    private volatile RouteObserver observer = RouteObserver.NONE;

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
        synchronized (changes) {
            boolean added = trie.add(subscription) == null;
            if (added && !subscription.destination().remote()
                    && localFilters.merge(subscription.topicFilter(), 1, Integer::sum) == 1) {
                observer.filterAdded(subscription.topicFilter());
            }
            return added;
        }
    }

    public boolean unsubscribe(String topicFilter, Destination destination) {
        synchronized (changes) {
            boolean removed = trie.remove(topicFilter, destination) != null;
            if (removed && !destination.remote()
                    && localFilters.computeIfPresent(topicFilter, (f, n) -> n == 1 ? null : n - 1) == null) {
                observer.filterRemoved(topicFilter);
            }
            return removed;
        }
    }

    /** Adds a member to a shared group, creating the group on first use; true when the member is new. */
    public boolean subscribeShared(String group, Subscription member) {
        synchronized (changes) {
            String key = group + "/" + member.topicFilter();
            SharedGroup shared = groups.get(key);
            if (shared == null) {
                shared = new SharedGroup(group, member.topicFilter(), sharedStrategy);
                groups.put(key, shared);
                trie.add(new Subscription(member.topicFilter(), shared, 2, false, false, 2, 0));
            }
            boolean added = shared.add(member);
            if (added && !member.destination().remote() && shared.localMemberCount() == 1) {
                observer.sharedAdded(group, member.topicFilter());
            }
            return added;
        }
    }

    public boolean unsubscribeShared(String group, String topicFilter, Destination member) {
        synchronized (changes) {
            String key = group + "/" + topicFilter;
            SharedGroup shared = groups.get(key);
            if (shared == null || !shared.remove(member)) {
                return false;
            }
            if (!member.remote() && shared.localMemberCount() == 0) {
                observer.sharedRemoved(group, topicFilter);
            }
            if (shared.isEmpty()) {
                groups.remove(key);
                trie.remove(topicFilter, shared);
            }
            return true;
        }
    }

    /**
     * Tells {@code routeObserver} of every change of the filters this node holds from now on, and returns what it
     * holds now; both under the lock that orders changes, so nothing falls between the snapshot and the first
     * change.
     */
    public LocalRoutes observe(RouteObserver routeObserver) {
        synchronized (changes) {
            this.observer = routeObserver == null ? RouteObserver.NONE : routeObserver;
            return localRoutes();
        }
    }

    /** The filters and shared groups this node's own subscribers hold now: for views, not the message path. */
    public LocalRoutes localRoutes() {
        synchronized (changes) {
            List<LocalRoutes.Shared> shared = new ArrayList<>();
            for (SharedGroup g : groups.values()) {
                if (g.localMemberCount() > 0) {
                    shared.add(new LocalRoutes.Shared(g.group(), g.topicFilter()));
                }
            }
            return new LocalRoutes(List.copyOf(localFilters.keySet()), shared);
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
        return route(message, congestion, false);
    }

    /**
     * Routes a message another node forwarded here: to this node's own subscribers only, never to another node
     * (it sent a copy to each node that needed one) nor to a shared group (the sending node chose the member).
     */
    public int routeForwarded(Message message, Congestion congestion) {
        return route(message, congestion, true);
    }

    /** Hands a message another node chose this node for to one local member of the shared group; false: none. */
    public boolean routeForwardedShared(Message message, String group, String topicFilter, Congestion congestion) {
        SharedGroup shared = groups.get(group + "/" + topicFilter);
        if (shared == null || !shared.dispatchLocal(message)) {
            return false;
        }
        if (congestion != null && shared.congested()) {
            congestion.congested(shared);
        }
        return true;
    }

    private int route(Message message, Congestion congestion, boolean forwarded) {
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
                return deliver(message, s.destination(), List.of(s), congestion, forwarded);
            }
            // A copy: a delivery may route again on this thread, which reuses the scratch list.
            return deliverGrouped(message, matches.toArray(new Subscription[n]), congestion, forwarded);
        } finally {
            matches.clear();
        }
    }

    /**
     * Hands each destination the message once, with all of its matching subscriptions. Sorted by the hash of the
     * destination's id, a destination's subscriptions lie next to each other: grouping them takes no map.
     */
    private static int deliverGrouped(Message message, Subscription[] matches, Congestion congestion,
            boolean forwarded) {
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
                destinations += deliver(message, matches[start].destination(), List.of(matches[start]), congestion,
                        forwarded);
            } else {
                destinations += deliverSameHash(message, matches, start, end, congestion, forwarded);
            }
            start = end;
        }
        return destinations;
    }

    /** Matches {@code [start, end)} share an id hash: one destination matched several times, or ids that collide. */
    private static int deliverSameHash(Message message, Subscription[] matches, int start, int end,
            Congestion congestion, boolean forwarded) {
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
            destinations += deliver(message, d, mine, congestion, forwarded);
        }
        return destinations;
    }

    private static int deliver(Message message, Destination d, List<Subscription> matched, Congestion congestion,
            boolean forwarded) {
        if (forwarded && (d.remote() || d instanceof SharedGroup)) {
            return 0;
        }
        d.deliver(message, matched, null);
        if (congestion != null && d.congested()) {
            congestion.congested(d);
        }
        return 1;
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
