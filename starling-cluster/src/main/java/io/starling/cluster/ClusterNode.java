package io.starling.cluster;

import io.starling.broker.bootstrap.Starling;
import io.starling.broker.bootstrap.Version;
import io.starling.broker.cluster.ClusterView;
import io.starling.broker.config.ClusterConfig;
import io.starling.broker.routing.Router;
import io.starling.broker.storage.NodeStorage;
import io.starling.cluster.admin.ClusterAdministration;
import io.starling.cluster.control.ControlCodec;
import io.starling.cluster.control.ControlMessage;
import io.starling.cluster.control.ControlMessage.Hello;
import io.starling.cluster.control.ControlMessage.RetainedChange;
import io.starling.cluster.control.ControlMessage.RetainedChanges;
import io.starling.cluster.control.ControlMessage.RouteDelta;
import io.starling.cluster.control.ControlMessage.RouteResync;
import io.starling.cluster.control.ControlMessage.RouteSnapshot;
import io.starling.cluster.data.DataPlane;
import io.starling.cluster.data.PeerStats;
import io.starling.cluster.membership.ClusterChannel;
import io.starling.cluster.membership.ClusterTls;
import io.starling.cluster.retain.RetainedReplicator;
import io.starling.cluster.routes.PeerRoutes;
import io.starling.cluster.routes.RemoteNode;
import io.starling.cluster.routes.RouteReplicator;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jgroups.Address;
import org.jgroups.View;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node as a member of the cluster: it joins, tells the others its rows and retained changes, keeps theirs in
 * its router, and forwards messages to them over the data plane. Everything that changes the cluster state runs on
 * one thread ({@code starling-cluster}), in the order JGroups delivered it.
 */
public final class ClusterNode implements ClusterView, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
    /** Route and retained changes wait at most this long before they are sent. */
    private static final long FLUSH_MILLIS = 5;
    private static final long STATUS_SECONDS = 5;
    /** Retained changes per control message in a snapshot: keeps each message a few MB at most. */
    private static final int RETAINED_CHUNK = 500;

    private final Starling node;
    private final ClusterConfig config;
    private final String self;
    private final long incarnation = new SecureRandom().nextLong();
    private final ScheduledExecutorService thread;
    private final Router router;
    private final RouteReplicator routes;
    private final RetainedReplicator retained;
    private final DataPlane data;
    private final ClusterChannel channel;
    private final ClusterRpc rpc;
    private final ClusterAdministration admin;
    private final List<java.util.function.Consumer<List<String>>> membershipListeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<Address, Peer> peers = new ConcurrentHashMap<>();
    /** Nodes that left, by name, with what they last said: listed as stopped until they return or are removed. */
    private final Map<String, Hello> departed = new ConcurrentHashMap<>();
    private volatile boolean closed;
    /** Set once the node stops and hands its sessions over: its route changes are held back until it leaves. */
    private volatile HandOverFence fence;

    private ClusterNode(Starling node, ClusterConfig config) throws Exception {
        this.node = node;
        this.config = config;
        this.self = node.config().nodeName();
        this.router = node.services().router();
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "starling-cluster");
            t.setDaemon(true);
            return t;
        });
        ClusterTls tls = config.tls() == null ? null : new ClusterTls(config.tls());
        this.data = new DataPlane(config, self, incarnation, node.services().mqtt().maxPacketSize(),
                (from, message, group, filter, congestion) -> {
                    NodeStorage storage = node.services().storage();
                    storage.startWork();
                    node.services().gate().deliverForwarded(message, group, filter, congestion);
                    java.util.concurrent.CompletionStage<Void> stored = storage.barrierForChanges();
                    HandOverFence f = fence;
                    return f != null && f.refuses(message) ? java.util.concurrent.CompletableFuture.failedFuture(
                            new IllegalStateException(self + " is stopping and handed the session over")) : stored;
                },
                this::isMember, tls);
        this.routes = new RouteReplicator(incarnation);
        this.retained = new RetainedReplicator(self, node.services().retained());
        this.channel = new ClusterChannel(config, self, tls, (from, m) -> onThread(() -> received(from, m)),
                view -> onThread(() -> viewChanged(view)));
        this.rpc = new ClusterRpc(channel, thread, this::addressOf);
        this.admin = new ClusterAdministration(node, this);
    }

    /** Joins the cluster; fails when this node's name is taken there. */
    public static ClusterNode start(Starling node, ClusterConfig config) throws Exception {
        ClusterNode member = new ClusterNode(node, config);
        try {
            member.join();
        } catch (Exception e) {
            member.close();
            throw e;
        }
        return member;
    }

    private void join() throws Exception {
        routes.start(router.observe(routes));
        node.services().retained().listen(retained);
        channel.connect();
        String taken = duplicateOfSelf(channel.view());
        if (taken != null) {
            throw new IllegalStateException("a node named " + self + " is already a member of cluster " + config.name()
                    + " (" + taken + "): every node needs its own node.name");
        }
        thread.scheduleWithFixedDelay(this::flush, FLUSH_MILLIS, FLUSH_MILLIS, TimeUnit.MILLISECONDS);
        thread.scheduleWithFixedDelay(this::status, STATUS_SECONDS, STATUS_SECONDS, TimeUnit.SECONDS);
        thread.scheduleWithFixedDelay(() -> retained.purgeTombstones(System.currentTimeMillis()), 1, 1,
                TimeUnit.HOURS);
        node.cluster(this);
        LOG.info("cluster {}: joined as {} (control {}, data {}); members: {}", config.name(), self,
                channel.boundAddress(), data.address(), memberNames(channel.view()));
    }

    private void onThread(Runnable task) {
        if (!closed) {
            thread.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.warn("cluster event failed", e);
                }
            });
        }
    }

    /** The member of {@code view} other than this one that has this node's name, described; null when none. */
    private String duplicateOfSelf(View view) {
        if (view == null) {
            return null;
        }
        for (Address a : view.getMembers()) {
            if (!a.equals(channel.self()) && self.equals(channel.nameOf(a))) {
                return "at " + a;
            }
        }
        return null;
    }

    private List<String> memberNames(View view) {
        List<String> names = new ArrayList<>();
        if (view != null) {
            view.getMembers().forEach(a -> names.add(channel.nameOf(a)));
        }
        return names;
    }

    private void viewChanged(View view) {
        Set<Address> members = new HashSet<>(view.getMembers());
        for (Address a : List.copyOf(peers.keySet())) {
            if (!members.contains(a)) {
                removePeer(a, "left the cluster or was found dead");
            }
        }
        List<Address> met = new ArrayList<>();
        for (Address a : view.getMembers()) {
            // Not "not in peers": a member's first messages can come before this view and make its Peer.
            if (!a.equals(channel.self()) && !peer(a).introduced) {
                met.add(a);
            }
        }
        for (Address a : met) {
            Peer p = peers.get(a);
            if (self.equals(p.name) && view.getMembers().indexOf(a) < view.getMembers().indexOf(channel.self())) {
                LOG.error("cluster {}: the node at {} is also named {}; this node, the later one, leaves the cluster."
                        + " Give every node its own node.name", config.name(), a, self);
                thread.execute(this::leaveQuietly);
                return;
            }
            p.introduced = true;
            channel.send(a, hello());
            channel.send(a, routes.snapshot());
            sendRetainedSnapshot(a);
        }
        LOG.info("cluster {}: members {}", config.name(), memberNames(view));
        List<String> names = peerNames();
        for (java.util.function.Consumer<List<String>> l : membershipListeners) {
            l.accept(names);
        }
    }

    private Peer peer(Address a) {
        return peers.computeIfAbsent(a, addr -> {
            String name = channel.nameOf(addr);
            departed.remove(name);
            return new Peer(addr, name, new PeerRoutes(new RemoteNode(name, data, node.services().storage()), router));
        });
    }

    private void removePeer(Address a, String why) {
        Peer p = peers.remove(a);
        if (p == null) {
            return;
        }
        rpc.left(a, p.name);
        int rows = p.routes.size();
        p.routes.clear();
        data.disconnect(p.name);
        departed.put(p.name, p.hello != null ? p.hello : new Hello(p.name, 0, 0, "", "", 0, 0, 0));
        LOG.info("cluster {}: node {} {}; its {} route rows removed", config.name(), p.name, why, rows);
    }

    private void received(Address from, ControlMessage m) {
        // A member's first messages can come before this node installs the view that has it: taken all the same.
        if (from.equals(channel.self())) {
            return;
        }
        Peer p = peer(from);
        if (m instanceof Hello h) {
            Hello before = p.hello;
            p.hello = h;
            if (before == null || before.incarnation() != h.incarnation() || before.dataPort() != h.dataPort()
                    || !before.dataHost().equals(h.dataHost())) {
                data.connect(p.name, h.dataHost(), h.dataPort());
            }
        } else if (m instanceof RouteDelta d) {
            if (p.routes.delta(d) == PeerRoutes.Outcome.GAP) {
                LOG.info("cluster {}: a gap in the route changes of {}; asking for its rows", config.name(), p.name);
                channel.send(from, new RouteResync());
            }
        } else if (m instanceof RouteSnapshot s) {
            if (p.routes.snapshot(s) == PeerRoutes.Outcome.GAP) {
                channel.send(from, new RouteResync());
            }
        } else if (m instanceof RouteResync) {
            channel.send(from, routes.snapshot());
        } else if (m instanceof RetainedChanges r) {
            retained.apply(r.changes());
        } else if (m instanceof ControlMessage.Request r) {
            rpc.request(from, p.name, r);
        } else if (m instanceof ControlMessage.Response r) {
            rpc.response(r);
        }
    }

    private Hello hello() {
        return new Hello(self, incarnation, ControlCodec.VERSION, Version.current(), data.address().getHostString(),
                data.address().getPort(), node.startedMillis(), (int) node.services().metrics().connectionsOpen());
    }

    private void sendRetainedSnapshot(Address to) {
        retained.snapshot().whenComplete((changes, failure) -> {
            if (failure != null) {
                LOG.warn("cluster {}: could not read the retained messages for {}", config.name(), to, failure);
                return;
            }
            for (int i = 0; i < changes.size(); i += RETAINED_CHUNK) {
                List<RetainedChange> chunk = changes.subList(i, Math.min(changes.size(), i + RETAINED_CHUNK));
                channel.send(to, new RetainedChanges(new ArrayList<>(chunk)));
            }
        });
    }

    /** Sends what changed since the last flush; on the cluster thread, so deltas leave in their order. */
    private void flush() {
        if (!channel.connected()) {
            return;
        }
        RouteDelta delta;
        while (fence == null && (delta = routes.nextDelta()) != null) {
            channel.send(null, delta);
        }
        RetainedChanges changes = retained.nextBatch();
        if (changes != null) {
            channel.send(null, changes);
        }
    }

    private void status() {
        if (!channel.connected()) {
            return;
        }
        channel.send(null, hello());
        for (Peer p : peers.values()) {
            // A snapshot lost or never sent: ask again rather than wait for ever.
            if (p.routes.awaitingSnapshot() && System.currentTimeMillis() - p.metMillis > STATUS_SECONDS * 1000) {
                channel.send(p.address, new RouteResync());
            }
        }
    }

    /** Whether a node of that name is in the current view (its data links may come before its Hello does). */
    private boolean isMember(String name) {
        View view = channel.view();
        if (view != null) {
            for (Address a : view.getMembers()) {
                if (!a.equals(channel.self()) && name.equals(channel.nameOf(a))) {
                    return true;
                }
            }
        }
        return false;
    }

    private void leaveQuietly() {
        channel.leave();
        for (Address a : List.copyOf(peers.keySet())) {
            removePeer(a, "is no longer reachable: this node left the cluster");
        }
    }

    // ---- what the management API and starling-ctl see ----

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public List<Member> members() {
        List<Member> out = new ArrayList<>();
        out.add(new Member(self, "running", Version.current(), node.startedMillis(),
                (int) node.services().metrics().connectionsOpen(), true, channel.boundAddress().toString()));
        for (Peer p : peers.values()) {
            Hello h = p.hello;
            out.add(new Member(p.name, "running", h == null ? "" : h.version(), h == null ? 0 : h.startedMillis(),
                    h == null ? 0 : h.connections(), false, String.valueOf(p.address)));
        }
        departed.forEach((name, h) -> out.add(new Member(name, "stopped", h.version(), h.startedMillis(), 0, false,
                "")));
        return out;
    }

    @Override
    public String join(String hostPort) {
        try {
            thread.submit(this::leaveQuietly).get();
            channel.rejoin(hostPort);
            return "joined cluster " + config.name() + " through " + hostPort + "; members: "
                    + memberNames(channel.view());
        } catch (Exception e) {
            throw new IllegalStateException("could not join through " + hostPort + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String leave() {
        try {
            thread.submit(this::leaveQuietly).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not leave: " + e.getMessage(), e);
        }
        return "left cluster " + config.name() + "; this node runs alone until it joins again or restarts";
    }

    @Override
    public String forceLeave(String name) {
        if (isMember(name)) {
            throw new IllegalStateException("node " + name + " is a running member: stop it, or run leave on it");
        }
        if (departed.remove(name) == null) {
            throw new IllegalArgumentException("no node " + name + " in cluster " + config.name());
        }
        return "removed node " + name + " from cluster " + config.name();
    }

    @Override
    public ClusterAdministration admin() {
        return admin;
    }

    /** Whether a data-plane connection to that node is open. */
    public boolean linkUp(String peer) {
        return data.up(peer);
    }

    /** Calls to other nodes and handlers for theirs. */
    public ClusterRpc rpc() {
        return rpc;
    }

    /** This node's name. */
    public String self() {
        return self;
    }

    /** The other members' names, as this node knows them now. */
    public List<String> peerNames() {
        List<String> names = new ArrayList<>();
        peers.values().forEach(p -> names.add(p.name));
        return names;
    }

    /**
     * Told, on the cluster thread, of the other members' names after every view change (a node met or gone); it
     * must not block.
     */
    public void onMembership(java.util.function.Consumer<List<String>> listener) {
        membershipListeners.add(listener);
    }

    /** Runs a task on the cluster thread, in order with membership and control messages. */
    public void execute(Runnable task) {
        onThread(task);
    }

    private Address addressOf(String name) {
        for (Peer p : peers.values()) {
            if (p.name.equals(name)) {
                return p.address;
            }
        }
        return null;
    }

    /** Route rows other nodes hold, by node (for views and tests). */
    public Map<String, Integer> remoteRows() {
        Map<String, Integer> rows = new java.util.TreeMap<>();
        peers.values().forEach(p -> rows.put(p.name, p.routes.size()));
        return rows;
    }

    /** Whether this node's router has the row of {@code node} for {@code filter} (for measurements and tests). */
    public boolean hasRow(String node, String filter) {
        for (Peer p : peers.values()) {
            if (p.name.equals(node)) {
                return p.routes.holds(filter);
            }
        }
        return false;
    }

    /**
     * The node stops and hands its persistent sessions, subscribed to {@code filters}, over: from now on the other
     * nodes keep its route rows as they are until it leaves, and it refuses the forwarded QoS 1/2 messages those
     * subscriptions would take ({@link HandOverFence}). More filters may follow, for sessions claimed meanwhile.
     */
    public void handingOver(java.util.Collection<String> filters) {
        HandOverFence f = fence;
        if (f == null) {
            f = new HandOverFence();
        }
        f.add(filters);
        fence = f;
    }

    /** Whether this node itself has subscribers to {@code filter} (not shared). */
    public boolean holdsLocally(String filter) {
        return routes.holds(filter);
    }

    /** This node's own rows. */
    public int localRows() {
        return routes.size();
    }

    /** Data-plane counters per node. */
    public Map<String, PeerStats> peerStats() {
        return data.stats();
    }

    /** The address the control channel is bound to (for {@code join} when its port came from the OS). */
    public String controlAddress() {
        java.net.InetSocketAddress a = channel.boundAddress();
        return a.getHostString() + ":" + a.getPort();
    }

    /** Names of the members this node sees now, itself included. */
    public List<String> memberNames() {
        return memberNames(channel.view());
    }

    @Override
    public void close() {
        closed = true;
        node.cluster(null);
        router.observe(null);
        node.services().retained().listen(null);
        channel.close();
        thread.shutdownNow();
        peers.values().forEach(p -> p.routes.clear());
        peers.clear();
        data.close();
        admin.close();
    }
}
