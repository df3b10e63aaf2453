package io.starling.management;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocatorMetric;
import io.starling.api.hook.HookListener.DropReason;
import io.starling.broker.bootstrap.Starling;
import io.starling.broker.metrics.BrokerMetrics;
import io.starling.codec.PacketType;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The node's counters in Prometheus text format through Micrometer: {@code starling_packets_received_total
 * {type="publish"}}, {@code starling_messages_dropped_total{reason="queue_full"}}, the stats as gauges, and the
 * JVM's memory, GC, threads and CPU, Netty's pooled buffers. Read at scrape time from the node's own counters:
 * nothing is added to the message path.
 */
final class PrometheusMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ClusterMetrics cluster;
    private final BridgeMetrics bridges;

    PrometheusMetrics(Starling node) {
        registry.config().commonTags("node", node.config().nodeName())
                // Micrometer names two meters against Prometheus conventions (promtool check metrics says so);
                // process_cpu_usage and system_cpu_usage tell the same.
                .meterFilter(MeterFilter.deny(id -> id.getName().equals("system.cpu.count")
                        || id.getName().equals("process.cpu.time")));
        BrokerMetrics m = node.metrics();
        for (PacketType t : PacketType.values()) {
            String type = t.name().toLowerCase(Locale.ROOT);
            counter("starling.packets.received", "MQTT packets received", "type", type, m, x -> x.packetsReceived(t));
            counter("starling.packets.sent", "MQTT packets sent", "type", type, m, x -> x.packetsSent(t));
        }
        counter("starling.bytes.received", "MQTT bytes received", null, null, m, BrokerMetrics::bytesReceived);
        counter("starling.bytes.sent", "MQTT bytes sent", null, null, m, BrokerMetrics::bytesSent);
        counter("starling.packets.malformed", "packets that closed their connection as malformed", null, null, m,
                BrokerMetrics::malformedPackets);
        for (int q = 0; q < 3; q++) {
            int qos = q;
            counter("starling.messages.received", "messages published to the node", "qos", Integer.toString(q), m,
                    x -> x.messagesReceived(qos));
            counter("starling.messages.sent", "messages delivered to subscribers", "qos", Integer.toString(q), m,
                    x -> x.messagesSent(qos));
        }
        counter("starling.messages.retained", "retained messages published", null, null, m,
                BrokerMetrics::retainedReceived);
        for (DropReason r : DropReason.values()) {
            counter("starling.messages.dropped", "messages not delivered", "reason", r.name().toLowerCase(Locale.ROOT),
                    m, x -> x.messagesDropped(r));
        }
        counter("starling.connections.accepted", "connections accepted", null, null, m,
                BrokerMetrics::connectionsAccepted);
        counter("starling.connections.throttled", "pauses of a connection over its listener's rate limits", null, null,
                m, BrokerMetrics::connectionThrottles);
        counter("starling.publishers.paused", "pauses of a publisher for a subscriber that fell behind", null, null, m,
                BrokerMetrics::publisherPauses);
        gauge("starling.connections", "connections open", m, BrokerMetrics::connectionsOpen);
        gauge("starling.connections.max", "most connections open at once", m, BrokerMetrics::connectionsMax);
        gauge("starling.sessions", "sessions", node, n -> n.services().sessions().size());
        gauge("starling.subscriptions", "subscriptions", node, n -> n.services().router().subscriptionCount());
        gauge("starling.topics", "distinct subscribed filters", node, n -> n.services().router().topicCount());
        gauge("starling.retained", "retained messages", node, n -> n.services().retained().size());
        io.starling.api.store.Storage storage = node.services().storage().storage();
        for (String key : storage.metrics().keySet()) {
            String help = "the node's storage: " + key.replace('_', ' ');
            if (key.equals("sst_bytes") || key.equals("removals_since_compaction") || key.equals("pending_bytes")) {
                gauge("starling.store." + key.replace('_', '.'), help, storage,
                        s -> s.metrics().getOrDefault(key, 0L));
            } else {
                counter("starling.store." + key.replace('_', '.'), help, null, null, storage,
                        s -> s.metrics().getOrDefault(key, 0L));
            }
        }
        counter("starling.hooks.failures", "hook calls that threw", null, null, node.services().hooks(),
                io.starling.broker.hook.Hooks::failures);
        counter("starling.hooks.timeouts", "hook calls that took longer than their timeout", null, null,
                node.services().hooks(), io.starling.broker.hook.Hooks::timeouts);
        PooledByteBufAllocatorMetric netty = PooledByteBufAllocator.DEFAULT.metric();
        gauge("starling.netty.buffers.direct.used", "bytes of Netty's pooled direct buffers", netty,
                PooledByteBufAllocatorMetric::usedDirectMemory);
        gauge("starling.netty.buffers.heap.used", "bytes of Netty's pooled heap buffers", netty,
                PooledByteBufAllocatorMetric::usedHeapMemory);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        cluster = new ClusterMetrics(node, registry);
        bridges = new BridgeMetrics(node, registry);
    }

    private <T> void counter(String name, String help, String tag, String value, T source, ToDoubleFunction<T> read) {
        FunctionCounter.Builder<T> b = FunctionCounter.builder(name, source, read).description(help);
        if (tag != null) {
            b.tag(tag, value);
        }
        b.register(registry);
    }

    private <T> void gauge(String name, String help, T source, ToDoubleFunction<T> read) {
        Gauge.builder(name, source, read).description(help).register(registry);
    }

    /** The text exposition format, version 0.0.4. */
    String scrape() {
        cluster.refresh();
        bridges.refresh();
        return registry.scrape();
    }
}
