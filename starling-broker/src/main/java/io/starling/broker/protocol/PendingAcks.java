package io.starling.broker.protocol;

import io.starling.codec.packet.AckPacket;
import java.util.ArrayDeque;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The acknowledgements of one connection that wait for the storage, in the order their packets came: MQTT wants
 * PUBACK and PUBREC in the order of the PUBLISH packets, so one that needs no storage still waits behind those
 * that do. Used on the connection's event loop only.
 */
final class PendingAcks {

    /** One acknowledgement; {@code failure} is set when its changes could not be stored. */
    static final class Pending {
        final AckPacket ack;
        boolean ready;
        Throwable failure;

        Pending(AckPacket ack) {
            this.ack = ack;
        }
    }

    private final ArrayDeque<Pending> waiting = new ArrayDeque<>(8);

    boolean isEmpty() {
        return waiting.isEmpty();
    }

    int size() {
        return waiting.size();
    }

    /**
     * Queues the acknowledgement behind the others; it becomes ready when {@code stored} completes (at once
     * when null), and {@code onReady} runs on {@code loop} then.
     */
    void add(AckPacket ack, CompletionStage<Void> stored, Executor loop, Runnable onReady) {
        Pending p = new Pending(ack);
        waiting.add(p);
        if (stored == null) {
            p.ready = true;
            return;
        }
        stored.whenComplete((r, e) -> loop.execute(() -> {
            p.ready = true;
            p.failure = e;
            onReady.run();
        }));
    }

    /** Hands every ready acknowledgement at the head, in order, to {@code sink}. */
    void release(Consumer<Pending> sink) {
        while (!waiting.isEmpty() && waiting.peek().ready) {
            sink.accept(waiting.poll());
        }
    }

    void clear() {
        waiting.clear();
    }
}
