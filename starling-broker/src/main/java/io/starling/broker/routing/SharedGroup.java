package io.starling.broker.routing;

import io.starling.api.Message;
import io.starling.broker.config.SharedStrategy;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The members of one shared subscription ({@code $share/group/filter} or {@code $queue/filter}); each message
 * goes to one of them, chosen by the strategy, preferring members that are online.
 */
public final class SharedGroup implements Destination {

    private final String group;
    private final String topicFilter;
    private final String id;
    private final SharedStrategy strategy;
    private final AtomicInteger next = new AtomicInteger();
    private volatile Subscription[] members = new Subscription[0];
    private volatile Destination sticky;

    SharedGroup(String group, String topicFilter, SharedStrategy strategy) {
        this.group = group;
        this.topicFilter = topicFilter;
        this.id = "$share/" + group + "/" + topicFilter;
        this.strategy = strategy;
    }

    @Override
    public String id() {
        return id;
    }

    public String group() {
        return group;
    }

    public String topicFilter() {
        return topicFilter;
    }

    /** Adds or replaces a member's subscription; returns true when the member is new. */
    synchronized boolean add(Subscription member) {
        Subscription[] current = members;
        for (int i = 0; i < current.length; i++) {
            if (current[i].destination() == member.destination()) {
                Subscription[] copy = current.clone();
                copy[i] = member;
                members = copy;
                return false;
            }
        }
        Subscription[] grown = java.util.Arrays.copyOf(current, current.length + 1);
        grown[current.length] = member;
        members = grown;
        return true;
    }

    /** Removes a member; returns true when it was one. */
    synchronized boolean remove(Destination destination) {
        Subscription[] current = members;
        for (int i = 0; i < current.length; i++) {
            if (current[i].destination() == destination) {
                Subscription[] shrunk = new Subscription[current.length - 1];
                System.arraycopy(current, 0, shrunk, 0, i);
                System.arraycopy(current, i + 1, shrunk, i, current.length - i - 1);
                members = shrunk;
                if (sticky == destination) {
                    sticky = null;
                }
                return true;
            }
        }
        return false;
    }

    boolean isEmpty() {
        return members.length == 0;
    }

    /** The members now: for views, not the message path. */
    public List<Subscription> members() {
        return List.of(members);
    }

    public int memberCount() {
        return members.length;
    }

    /** Members on this node (not other nodes standing for theirs). */
    int localMemberCount() {
        int n = 0;
        for (Subscription s : members) {
            if (!s.destination().remote()) {
                n++;
            }
        }
        return n;
    }

    @Override
    public void deliver(Message message, List<Subscription> matched, SharedGroup ignored) {
        redispatch(message, null);
    }

    /**
     * Sends the message to one member other than {@code exclude}; used both for new messages and for messages
     * a member left unacknowledged. Returns false when no member can take it.
     */
    public boolean redispatch(Message message, Destination exclude) {
        return dispatch(message, exclude, false);
    }

    /** Sends a message another node forwarded to this group to one of the members on this node. */
    boolean dispatchLocal(Message message) {
        return dispatch(message, null, true);
    }

    private boolean dispatch(Message message, Destination exclude, boolean localOnly) {
        Subscription chosen = choose(members, message, exclude, localOnly);
        if (chosen == null) {
            return false;
        }
        chosen.destination().deliver(message, List.of(chosen), this);
        return true;
    }

    private Subscription choose(Subscription[] candidates, Message message, Destination exclude, boolean localOnly) {
        int n = candidates.length;
        if (n == 0 || (n == 1 && candidates[0].destination() == exclude)) {
            return null;
        }
        if (strategy == SharedStrategy.STICKY) {
            Destination current = sticky;
            for (Subscription s : candidates) {
                if (s.destination() == current && current != exclude && current.isOnline()
                        && !(localOnly && current.remote())) {
                    return s;
                }
            }
        }
        int start = switch (strategy) {
            case ROUND_ROBIN, STICKY -> Math.floorMod(next.getAndIncrement(), n);
            case RANDOM -> ThreadLocalRandom.current().nextInt(n);
            case HASH_CLIENTID -> Math.floorMod(String.valueOf(message.publisherId()).hashCode(), n);
            case HASH_TOPIC -> Math.floorMod(message.topic().hashCode(), n);
        };
        Subscription fallback = null;
        for (int i = 0; i < n; i++) {
            Subscription s = candidates[(start + i) % n];
            if (s.destination() == exclude || (localOnly && s.destination().remote())) {
                continue;
            }
            if (s.destination().isOnline()) {
                if (strategy == SharedStrategy.STICKY) {
                    sticky = s.destination();
                }
                return s;
            }
            if (fallback == null) {
                fallback = s;
            }
        }
        return fallback;
    }
}
