package io.starling.broker.session;

import io.starling.api.Message;
import io.starling.broker.routing.Subscription;
import io.starling.codec.LogSafe;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retained messages a session still has to send for its new subscriptions, oldest subscription first. A
 * chunk at a time on the connection's thread: the topics are taken from the retained index as it is walked, the
 * messages loaded (from the storage, on a durable one), sent, and the next chunk follows only while the
 * session's queue is short and the socket writable, so neither the heap nor the thread's other clients pay
 * for a subscription to {@code #}. At most one chunk is on its way at a time. Guarded by the session's monitor.
 */
final class RetainedStream {
    private static final Logger LOG = LoggerFactory.getLogger(RetainedStream.class);
    static final int CHUNK = 256;

    /** One subscription's messages still to send. */
    private static final class Feed {
        final Iterator<Message> messages;
        final Subscription subscription;
        final Consumer<Message> onExpired;
        final Function<List<Message>, CompletionStage<List<Message>>> loader;
        Feed next;

        Feed(Iterator<Message> messages, Subscription subscription, Consumer<Message> onExpired,
                Function<List<Message>, CompletionStage<List<Message>>> loader) {
            this.messages = messages;
            this.subscription = subscription;
            this.onExpired = onExpired;
            this.loader = loader;
        }
    }

    private final Session session;
    private Feed head;
    private Feed tail;
    private boolean scheduled;
    private boolean ended;

    RetainedStream(Session session) {
        this.session = session;
    }

    boolean isEmpty() {
        return head == null;
    }

    void add(Iterator<Message> messages, Subscription subscription, Consumer<Message> onExpired,
            Function<List<Message>, CompletionStage<List<Message>>> loader) {
        Feed feed = new Feed(messages, subscription, onExpired, loader);
        if (head == null) {
            head = feed;
        } else {
            tail.next = feed;
        }
        tail = feed;
        schedule();
    }

    /**
     * The client went away: what is still to send is session state (MQTT 5 §4.1, QoS 1/2 messages pending
     * transmission) and follows when it resumes the session; like other QoS 0 messages, a QoS 0 subscription's
     * are kept only with {@code queue_qos0}. The walk waits on the heap as an index position, not as messages:
     * it goes on only as the resumed client takes messages, so the queue bound holds.
     */
    void detached(boolean keepQos0) {
        Feed kept = null;
        Feed last = null;
        for (Feed f = head; f != null; f = f.next) {
            if (keepQos0 || f.subscription.qos() > 0) {
                if (last == null) {
                    kept = f;
                } else {
                    last.next = f;
                }
                last = f;
            }
        }
        if (last != null) {
            last.next = null;
        }
        head = kept;
        tail = last;
    }

    /** The session ended: nothing more is sent, not even a chunk being read. */
    void end() {
        ended = true;
        head = null;
        tail = null;
    }

    /** Sends the next chunk soon, unless one is on its way already. */
    void schedule() {
        ClientConnection c = session.connection();
        if (head != null && c != null && !scheduled) {
            scheduled = true;
            c.execute(this::pump);
        }
    }

    private void pump() {
        synchronized (session) {
            ClientConnection c = session.connection();
            Feed feed = head;
            if (feed == null || c == null || !c.isWritable() || session.queuedOnHeap() >= Session.HOT_QUEUE) {
                scheduled = false; // Session.drain schedules again once the client has taken messages
                return;
            }
            long now = System.currentTimeMillis();
            List<Message> chunk = new ArrayList<>(CHUNK);
            while (chunk.size() < CHUNK && feed.messages.hasNext()) {
                Message m = feed.messages.next();
                if (m.isExpired(now)) {
                    feed.onExpired.accept(m);
                } else {
                    chunk.add(m);
                }
            }
            if (!feed.messages.hasNext()) {
                head = feed.next;
                if (head == null) {
                    tail = null;
                }
            }
            feed.loader.apply(chunk).whenComplete((loaded, failure) -> c.execute(() -> send(feed, loaded, failure)));
        }
    }

    private void send(Feed feed, List<Message> loaded, Throwable failure) {
        synchronized (session) {
            scheduled = false;
            if (failure != null) {
                LOG.warn("session {}: reading retained messages failed: {}", LogSafe.escape(session.clientId()),
                        failure.toString());
            } else if (!ended) {
                // Queued if the client left meanwhile (for QoS 0 only with queue_qos0), within the queue bound.
                for (Message m : loaded) {
                    session.deliverRetained(m, feed.subscription);
                }
            }
            schedule(); // more to send: after the other work of this thread
        }
    }
}
