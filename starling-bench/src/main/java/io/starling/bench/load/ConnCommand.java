package io.starling.bench.load;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code conn}: open many idle connections; report the connect rate and, given the broker's pid, its memory per connection. */
@Command(name = "conn", description = "Connect clients and keep them idle: connect rate, connect time, broker memory per connection.")
final class ConnCommand extends ModeCommand {
    @Option(names = {"-c", "--count"}, defaultValue = "1", description = "Clients (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--broker-heap", description = "Also measure the broker's live heap per connection (a JVM broker; runs jcmd GC.run).")
    boolean brokerHeap;

    @Override
    String mode() {
        return "conn";
    }

    @Override
    int execute(LoadRun load, Map<String, Object> summary) throws Exception {
        ProcessProbe broker = broker();
        // The live-heap probe runs a full GC, which itself grows a JVM's resident set (by 24 MB on a fresh node,
        // measured): take the resident baseline after it, so that only the connections are counted.
        long heapBefore = broker != null && brokerHeap ? broker.liveHeapBytes() : -1;
        long rssBefore = broker == null ? -1 : broker.residentBytes();
        ProcessProbe self = ProcessProbe.self();
        long selfCpu = self.cpuNanos();
        long brokerCpu = broker == null ? -1 : broker.cpuNanos();
        long steal = HostSteal.nanos();
        List<BenchClient> ready = load.connect("conn", count, (number, id, lifecycle) ->
                new BenchClient(connection.profile(), id, List.of(), null, load.stats(), lifecycle, load.webSocket()));
        BenchStats stats = load.stats();
        double seconds = Math.max(1, stats.lastConnackMicros() - load.firstConnectMicros()) / 1e6;
        summary.put("clients", count);
        summary.put("connected", ready.size());
        summary.put("failed", count - ready.size());
        summary.put("connect_seconds", MeasuredWindow.round(seconds));
        summary.put("connects_per_second", Math.round(ready.size() / seconds));
        summary.put("connect_time_micros", MeasuredWindow.percentiles(stats.connectTime.getIntervalHistogram()));
        Map<String, Object> cpu = new LinkedHashMap<>();
        cpu.put("tool_percent_of_one_core", MeasuredWindow.round(100.0 * (self.cpuNanos() - selfCpu) / (seconds * 1e9)));
        if (broker != null) {
            cpu.put("broker_percent_of_one_core",
                    MeasuredWindow.round(100.0 * (broker.cpuNanos() - brokerCpu) / (seconds * 1e9)));
        }
        double stolen = HostSteal.percent(steal, HostSteal.nanos(), (long) (seconds * 1e9));
        if (stolen >= 0) {
            cpu.put("host_steal_percent", MeasuredWindow.round(stolen));
        }
        summary.put("cpu", cpu);
        if (broker != null && !ready.isEmpty()) {
            Map<String, Object> memory = new LinkedHashMap<>();
            long rssAfter = broker.residentBytes();
            memory.put("resident_bytes_before", rssBefore);
            memory.put("resident_bytes_after", rssAfter);
            memory.put("resident_bytes_per_connection", (rssAfter - rssBefore) / ready.size());
            if (brokerHeap) {
                long heapAfter = broker.liveHeapBytes();
                memory.put("live_heap_bytes_before", heapBefore);
                memory.put("live_heap_bytes_after", heapAfter);
                if (heapBefore >= 0 && heapAfter >= 0) {
                    memory.put("live_heap_bytes_per_connection", (heapAfter - heapBefore) / ready.size());
                }
            }
            summary.put("broker_memory", memory);
        }
        hold(run.durationSeconds, () -> false);
        summary.put("still_connected", stats.connected.get());
        load.disconnectAll();
        return ready.size() == count ? 0 : 1;
    }
}
