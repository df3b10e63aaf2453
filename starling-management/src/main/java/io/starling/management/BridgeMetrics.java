package io.starling.management;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.starling.broker.bootstrap.Starling;
import io.starling.broker.bridge.BridgeView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The bridges in Prometheus, per bridge (label {@code bridge}): whether it is connected, the messages waiting for
 * its remote, and those forwarded, received, dropped, and its reconnects. The bridge extension may start after
 * this one, so the series are made at the scrape that first sees a bridge, read from that scrape's snapshot.
 */
final class BridgeMetrics {
    private final Starling node;
    private final MeterRegistry registry;
    private final Map<String, List<Meter>> meters = new HashMap<>();
    private volatile Map<String, BridgeView.Status> now = Map.of();

    BridgeMetrics(Starling node, MeterRegistry registry) {
        this.node = node;
        this.registry = registry;
    }

    synchronized void refresh() {
        Map<String, BridgeView.Status> seen = new HashMap<>();
        node.bridges().list().forEach(s -> seen.put(s.name(), s));
        now = seen;
        for (String name : seen.keySet()) {
            meters.computeIfAbsent(name, this::register);
        }
        for (String gone : List.copyOf(meters.keySet())) {
            if (!seen.containsKey(gone)) {
                meters.remove(gone).forEach(registry::remove);
            }
        }
    }

    private List<Meter> register(String bridge) {
        List<Meter> made = new ArrayList<>();
        made.add(Gauge.builder("starling.bridge.connected", this, read(bridge, s -> s.state().equals("connected")
                ? 1 : 0)).description("1 while the bridge is connected to its remote").tag("bridge", bridge)
                .register(registry));
        made.add(Gauge.builder("starling.bridge.queued.messages", this, read(bridge, BridgeView.Status::queued))
                .description("messages waiting for the remote, in flight included").tag("bridge", bridge)
                .register(registry));
        made.add(counter("starling.bridge.forwarded.messages", "messages the remote took", bridge,
                BridgeView.Status::forwarded));
        made.add(counter("starling.bridge.received.messages", "messages from the remote the node took", bridge,
                BridgeView.Status::received));
        made.add(counter("starling.bridge.dropped.messages", "messages for the remote given up (queue bound, too"
                + " large, expired)", bridge, BridgeView.Status::dropped));
        made.add(counter("starling.bridge.reconnects", "connections to the remote made again", bridge,
                BridgeView.Status::reconnects));
        return made;
    }

    private Meter counter(String name, String help, String bridge, ToDoubleFunction<BridgeView.Status> value) {
        return FunctionCounter.builder(name, this, read(bridge, value)).description(help).tag("bridge", bridge)
                .register(registry);
    }

    private static ToDoubleFunction<BridgeMetrics> read(String bridge, ToDoubleFunction<BridgeView.Status> value) {
        return m -> {
            BridgeView.Status s = m.now.get(bridge);
            return s == null ? 0 : value.applyAsDouble(s);
        };
    }
}
