package io.starling.cluster.admin;

import io.starling.broker.admin.NodeAdmin;
import io.starling.broker.bootstrap.Starling;
import io.starling.broker.cluster.ClusterAdmin;
import io.starling.cluster.ClusterNode;
import io.starling.cluster.data.PeerStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The cluster-wide listings and acts: this node answers for itself and asks every other member over
 * {@link io.starling.cluster.ClusterRpc} ({@code admin.list}, {@code admin.act}); the rows are merged in order,
 * each with the node that holds it, and a node that does not answer within {@link ClusterAdmin#TIMEOUT} is named
 * rather than waited for. Other nodes' calls are answered on a thread of their own (listings walk every session),
 * never on the cluster thread.
 */
public final class ClusterAdministration implements ClusterAdmin, AutoCloseable {
    static final String LIST = "admin.list";
    static final String ACT = "admin.act";
    /** Calls from other nodes waiting beyond this many are refused: an operator's loop must not pile them up. */
    private static final int MAX_WAITING = 64;

    private final ClusterNode cluster;
    private final NodeAdmin local;
    private final ThreadPoolExecutor worker;
    private final Map<String, Takeovers> takeovers = new ConcurrentHashMap<>();

    /** Sessions taken over from one peer, and the time they took. */
    private static final class Takeovers {
        final LongAdder count = new LongAdder();
        final LongAdder millis = new LongAdder();
    }

    public ClusterAdministration(Starling node, ClusterNode cluster) {
        this.cluster = cluster;
        this.local = new NodeAdmin(node);
        this.worker = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(MAX_WAITING), r -> {
            Thread t = new Thread(r, "starling-cluster-admin");
            t.setDaemon(true);
            return t;
        });
        worker.allowCoreThreadTimeOut(true);
        cluster.rpc().register(LIST, (from, body) -> off(() -> {
            AdminWire.ListRequest request = AdminWire.read(body, AdminWire.ListRequest.class);
            return AdminWire.write(new AdminWire.ListAnswer(AdminWire.VERSION, local.list(request.listing())));
        }));
        cluster.rpc().register(ACT, (from, body) -> off(() -> {
            AdminWire.ActRequest request = AdminWire.read(body, AdminWire.ActRequest.class);
            return AdminWire.write(new AdminWire.ActAnswer(AdminWire.VERSION, local.act(request.act(),
                    request.clientId())));
        }));
    }

    private CompletionStage<byte[]> off(Supplier<byte[]> work) {
        try {
            return CompletableFuture.supplyAsync(work, worker);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new IllegalStateException("node " + cluster.self()
                    + " is busy with " + MAX_WAITING + " management calls"));
        }
    }

    @Override
    public CompletionStage<Page> list(Listing listing) {
        List<String> peers = cluster.peerNames();
        CompletableFuture<Map<String, CompletableFuture<byte[]>>> answers = cluster.rpc().callAll(peers, LIST,
                AdminWire.write(new AdminWire.ListRequest(AdminWire.VERSION, listing)), TIMEOUT);
        Page mine = local.list(listing);
        return answers.thenApply(byNode -> {
            List<Page> parts = new ArrayList<>();
            parts.add(mine);
            Map<String, String> failed = new TreeMap<>();
            byNode.forEach((node, answer) -> {
                try {
                    parts.add(AdminWire.read(answer.join(), AdminWire.ListAnswer.class).page());
                } catch (RuntimeException e) {
                    failed.put(node, why(e));
                }
            });
            parts.add(new Page(List.of(), 0, failed));
            return Page.merge(parts, listing.upTo());
        });
    }

    @Override
    public CompletionStage<Acted> act(Act act, String clientId) {
        List<String> peers = cluster.peerNames();
        CompletableFuture<Map<String, CompletableFuture<byte[]>>> answers = cluster.rpc().callAll(peers, ACT,
                AdminWire.write(new AdminWire.ActRequest(AdminWire.VERSION, act, clientId)), TIMEOUT);
        boolean here = local.act(act, clientId);
        return answers.thenApply(byNode -> {
            TreeSet<String> done = new TreeSet<>();
            if (here) {
                done.add(cluster.self());
            }
            Map<String, String> failed = new TreeMap<>();
            byNode.forEach((node, answer) -> {
                try {
                    if (AdminWire.read(answer.join(), AdminWire.ActAnswer.class).done()) {
                        done.add(node);
                    }
                } catch (RuntimeException e) {
                    failed.put(node, why(e));
                }
            });
            return new Acted(List.copyOf(done), failed);
        });
    }

    private static String why(RuntimeException e) {
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                ? e.getCause() : e;
        return String.valueOf(cause.getMessage());
    }

    @Override
    public List<Link> links() {
        Map<String, PeerStats> stats = cluster.peerStats();
        Map<String, Integer> rows = cluster.remoteRows();
        // The members, running or stopped: a node removed with force-leave has no link any more.
        TreeSet<String> peers = new TreeSet<>();
        cluster.members().forEach(m -> {
            if (!m.self()) {
                peers.add(m.name());
            }
        });
        List<Link> out = new ArrayList<>();
        for (String peer : peers) {
            PeerStats s = stats.get(peer);
            Takeovers t = takeovers.get(peer);
            out.add(new Link(peer, cluster.linkUp(peer), s == null ? 0 : s.forwarded(),
                    s == null ? 0 : s.forwardedBytes(), s == null ? 0 : s.dropped(), s == null ? 0 : s.received(),
                    s == null ? 0 : s.reconnects(), rows.getOrDefault(peer, 0), t == null ? 0 : t.count.sum(),
                    t == null ? 0 : t.millis.sum()));
        }
        return out;
    }

    @Override
    public int localRouteRows() {
        return cluster.localRows();
    }

    /** Counts a session taken over from {@code peer} in {@code millis}: for the links' takeover count and time. */
    public void tookOver(String peer, long millis) {
        Takeovers t = takeovers.computeIfAbsent(peer, p -> new Takeovers());
        t.count.increment();
        t.millis.add(millis);
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
