package io.starling.broker.routing;

import io.starling.api.Message;
import java.util.List;

/**
 * Where the router sends a message: a local session, a shared-subscription group, and later a remote node, a
 * bridge or a STOMP subscription. The router does not care which.
 */
public interface Destination {

    /** Stable identity, unique among destinations: a client id for sessions. Cheap: the router sorts by it. */
    String id();

    /**
     * Whether this stands for another node of the cluster: the route table does not count it among the filters
     * this node holds, and a message forwarded from another node is never handed to it (no loops).
     */
    default boolean remote() {
        return false;
    }

    /** The node of the cluster this destination stands for when {@link #remote()}; null for this node's own. */
    default String node() {
        return null;
    }

    /** Whether the destination can take a message now rather than queue it; shared groups prefer these. */
    default boolean isOnline() {
        return true;
    }

    /**
     * Hands over a message. Called on the publisher's thread; implementations must not block.
     *
     * @param matched the subscriptions of this destination that matched the topic, never empty
     * @param group   the shared group that chose this destination, or null for a plain subscription
     */
    void deliver(Message message, List<Subscription> matched, SharedGroup group);

    /**
     * Whether the destination has fallen behind and asks its publishers to pause (a session whose backlog is
     * over its high-water mark while its client still makes progress). Cheap: read after every delivery.
     */
    default boolean congested() {
        return false;
    }

    /** Runs {@code resume} (on any thread) once the destination is no longer congested; at once if it is not. */
    default void whenDrained(Runnable resume) {
        resume.run();
    }
}
