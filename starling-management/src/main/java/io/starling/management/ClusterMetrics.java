package io.starling.management;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.starling.broker.bootstrap.Starling;
import io.starling.broker.cluster.ClusterAdmin.Link;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The cluster in Prometheus: the running members, this node's own route rows, and per peer (label {@code peer})
 * whether its data-plane link is up, the messages and bytes forwarded to it, those dropped, those received from
 * it, reconnects, the route rows held of it, and the sessions taken over from it with the time they took. Peers
 * come and go, so their series are made at the scrape that first sees a peer and read from that scrape's snapshot.
 */
final class ClusterMetrics {
    private final Starling node;
    private final MeterRegistry registry;
    private final Map<String, List<Meter>> meters = new HashMap<>();
    private volatile Map<String, Link> links = Map.of();

    ClusterMetrics(Starling node, MeterRegistry registry) {
        this.node = node;
        this.registry = registry;
        Gauge.builder("starling.cluster.members", node, n -> n.cluster().members().stream()
                .filter(m -> m.state().equals("running")).count()).description("running members of the cluster,"
                + " this node included").register(registry);
        Gauge.builder("starling.cluster.local.route.rows", node, n -> n.cluster().admin().localRouteRows())
                .description("route rows of this node's own subscribers (filters and shared groups)").register(registry);
    }

    /** Takes the links as they are now, making the series of a peer seen first and removing those of one gone. */
    synchronized void refresh() {
        Map<String, Link> now = new HashMap<>();
        node.cluster().admin().links().forEach(l -> now.put(l.peer(), l));
        links = now;
        for (String peer : now.keySet()) {
            meters.computeIfAbsent(peer, this::register);
        }
        for (String gone : List.copyOf(meters.keySet())) {
            if (!now.containsKey(gone)) {
                meters.remove(gone).forEach(registry::remove);
            }
        }
    }

    private List<Meter> register(String peer) {
        List<Meter> made = new ArrayList<>();
        made.add(Gauge.builder("starling.cluster.link.up", this, read(peer, l -> l.up() ? 1 : 0))
                .description("1 while a data-plane connection to the peer is open").tag("peer", peer)
                .register(registry));
        made.add(Gauge.builder("starling.cluster.route.rows", this, read(peer, Link::routeRows))
                .description("route rows this node holds of the peer").tag("peer", peer).register(registry));
        made.add(counter("starling.cluster.forwarded.messages", "messages forwarded to the peer", peer,
                Link::forwarded));
        made.add(counter("starling.cluster.forwarded.bytes", "bytes of messages forwarded to the peer", peer,
                Link::forwardedBytes));
        made.add(counter("starling.cluster.dropped.messages", "messages for the peer dropped: its links down or"
                + " their buffers full", peer, Link::dropped));
        made.add(counter("starling.cluster.received.messages", "messages the peer forwarded to this node", peer,
                Link::received));
        made.add(counter("starling.cluster.link.reconnects", "data-plane connections to the peer made again", peer,
                Link::reconnects));
        made.add(counter("starling.cluster.takeovers", "sessions taken over from the peer", peer, Link::takeovers));
        made.add(counter("starling.cluster.takeover.seconds", "time the takeovers from the peer took, summed", peer,
                l -> l.takeoverMillis() / 1000.0));
        return made;
    }

    private Meter counter(String name, String help, String peer, ToDoubleFunction<Link> value) {
        return FunctionCounter.builder(name, this, read(peer, value)).description(help).tag("peer", peer)
                .register(registry);
    }

    private static ToDoubleFunction<ClusterMetrics> read(String peer, ToDoubleFunction<Link> value) {
        return m -> {
            Link l = m.links.get(peer);
            return l == null ? 0 : value.applyAsDouble(l);
        };
    }
}
