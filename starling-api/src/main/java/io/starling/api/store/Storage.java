package io.starling.api.store;

import io.starling.api.Message;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Where a node keeps what must outlive it: persistent sessions, their queued and in-flight messages, the QoS 2
 * packet ids they sent that await PUBREL, and retained messages.
 *
 * <p>The node keeps its live state on the heap, except the queues of durable sessions beyond what their clients
 * are about to take, and tells the storage every change as it happens; it reads sessions and retained messages
 * back at start-up and queued messages as clients take them. Changes are asynchronous: they return at once and are applied in the order they
 * were made. {@link #barrier()} says when they are durable, and the node acknowledges nothing to a client before
 * the barrier behind its changes completed. Implementations must be thread-safe and must never block the caller
 * on I/O.
 */
public interface Storage extends AutoCloseable {

    /** False when nothing survives a restart (the memory storage): the node then tells it nothing. */
    boolean durable();

    /** Stores the session (replacing an earlier version): expiry, subscriptions and will. */
    void saveSession(StoredSession session);

    /** Removes the session with its queued messages and its inbound QoS 2 packet ids. */
    void deleteSession(String clientId);

    /** Stores a message queued for the session under {@code delivery.seq()}, a number not in use. */
    void putQueued(String clientId, StoredDelivery delivery);

    /**
     * Records that the queued message {@code seq} was sent with {@code packetId}, and for QoS 2 whether PUBREC
     * came (so PUBREL is what must be resent).
     */
    void markInFlight(String clientId, long seq, int packetId, boolean pubrelSent);

    /** Removes a queued message, with its in-flight mark. */
    void removeQueued(String clientId, long seq);

    void addInboundQos2(String clientId, int packetId);

    void removeInboundQos2(String clientId, int packetId);

    void putRetained(Message message);

    void removeRetained(String topic);

    /**
     * Reads the retained messages of these topics, in the order given (topics with none are left out), once
     * every change made before this call is applied. Runs off the caller's thread.
     */
    CompletionStage<List<Message>> readRetained(List<String> topics);

    /**
     * Completes once every change made before this call is durable by the storage's sync policy; completes
     * exceptionally when a change could not be stored (the disk is full, say).
     */
    CompletionStage<Void> barrier();

    /** False while changes fail (a full disk): the node then refuses what needs storing. */
    /**
     * Counters and sizes of the storage for the node's metrics, by name ({@code batches}, {@code bytes_written},
     * ...); empty when it keeps none.
     */
    default java.util.Map<String, Long> metrics() {
        return java.util.Map.of();
    }

    default boolean writable() {
        return true;
    }

    /**
     * Reads the session's queued messages with these sequence numbers, in the order given (those not stored are
     * left out), once every change made before this call is applied. Runs off the caller's thread.
     */
    CompletionStage<List<StoredDelivery>> readQueued(String clientId, long[] seqs);

    /**
     * Calls {@code sink} with every stored session: its in-flight messages in full, its queued ones as sequence
     * numbers only (the messages stay in the storage until read). Start-up only.
     */
    void forEachSession(Consumer<StoredSession> sink);

    /** Calls {@code sink} with every retained message. Start-up only. */
    void forEachRetained(Consumer<Message> sink);

    /** Applies what is pending, makes it durable and releases the storage. */
    @Override
    void close();

    /** Stores a delayed message until {@link #removeDelayed}; a storage that is not durable keeps nothing. */
    default void putDelayed(StoredDelayed delayed) {
    }

    default void removeDelayed(long id) {
    }

    /** Every stored delayed message, in id order; called once at start-up. */
    default void forEachDelayed(Consumer<StoredDelayed> sink) {
    }
}
