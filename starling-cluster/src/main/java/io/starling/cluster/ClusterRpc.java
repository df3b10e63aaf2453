package io.starling.cluster;

import io.starling.cluster.control.ControlMessage.Request;
import io.starling.cluster.control.ControlMessage.Response;
import io.starling.cluster.membership.ClusterChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jgroups.Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls between nodes over the control channel: a part of the cluster registers a handler under a kind (e.g.
 * {@code session.takeover}) and other nodes call it by node name with bytes of that part's own format. A call
 * fails when the node leaves, when no handler answers within the timeout, or with the handler's error. Handlers run
 * on the cluster thread and must not block: they answer with a stage.
 */
public final class ClusterRpc {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterRpc.class);

    /** Answers calls of one kind. */
    public interface Handler {
        CompletionStage<byte[]> handle(String fromNode, byte[] body);
    }

    private record Pending(Address to, CompletableFuture<byte[]> answer) {
    }

    private final ClusterChannel channel;
    private final ScheduledExecutorService timers;
    private final Function<String, Address> addressOf;
    private final Map<String, Handler> handlers = new ConcurrentHashMap<>();
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    ClusterRpc(ClusterChannel channel, ScheduledExecutorService timers, Function<String, Address> addressOf) {
        this.channel = channel;
        this.timers = timers;
        this.addressOf = addressOf;
    }

    /** Registers the handler of a kind (one per kind; a later one replaces it). */
    public void register(String kind, Handler handler) {
        handlers.put(kind, handler);
    }

    /** Calls {@code kind} on the node named {@code node}. */
    public CompletableFuture<byte[]> call(String node, String kind, byte[] body, Duration timeout) {
        Address to = addressOf.apply(node);
        if (to == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("no node " + node + " in the cluster"));
        }
        long id = ids.incrementAndGet();
        CompletableFuture<byte[]> answer = new CompletableFuture<>();
        pending.put(id, new Pending(to, answer));
        timers.schedule(() -> {
            Pending p = pending.remove(id);
            if (p != null) {
                p.answer.completeExceptionally(new TimeoutException(node + " did not answer " + kind + " within "
                        + timeout.toMillis() + " ms"));
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        channel.send(to, new Request(id, kind, body));
        return answer;
    }

    /** Calls {@code kind} on every node in {@code nodes}; each answer or failure by node name. */
    public CompletableFuture<Map<String, CompletableFuture<byte[]>>> callAll(List<String> nodes, String kind,
            byte[] body, Duration timeout) {
        Map<String, CompletableFuture<byte[]>> answers = new ConcurrentHashMap<>();
        for (String node : nodes) {
            answers.put(node, call(node, kind, body, timeout));
        }
        return CompletableFuture.allOf(answers.values().stream()
                .map(f -> f.handle((v, e) -> null)).toArray(CompletableFuture[]::new)).thenApply(v -> answers);
    }

    void request(Address from, String fromNode, Request r) {
        Handler h = handlers.get(r.kind());
        if (h == null) {
            channel.send(from, new Response(r.id(), null, "no handler for " + r.kind() + " on this node"));
            return;
        }
        CompletionStage<byte[]> stage;
        try {
            stage = h.handle(fromNode, r.body() == null ? new byte[0] : r.body());
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete((body, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause()
                        != null ? failure.getCause() : failure;
                LOG.debug("{} from {} failed", r.kind(), fromNode, cause);
                channel.send(from, new Response(r.id(), null, String.valueOf(cause.getMessage())));
            } else {
                channel.send(from, new Response(r.id(), body == null ? new byte[0] : body, null));
            }
        });
    }

    void response(Response r) {
        Pending p = pending.remove(r.id());
        if (p == null) {
            return;
        }
        if (r.error() != null) {
            p.answer.completeExceptionally(new IllegalStateException(r.error()));
        } else {
            p.answer.complete(r.body() == null ? new byte[0] : r.body());
        }
    }

    /** Fails the calls waiting on a node that left. */
    void left(Address member, String node) {
        pending.values().removeIf(p -> {
            if (p.to.equals(member)) {
                p.answer.completeExceptionally(new IllegalStateException("node " + node + " left the cluster"));
                return true;
            }
            return false;
        });
    }
}
