package io.starling.bench.load;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The interval throughput and latency are reported over: counters, the tool's and the broker's CPU time, the host's
 * steal time and the kernel's reclaim threads' CPU time at its start and end, and the latency recorded in between.
 */
final class MeasuredWindow {
    private final BenchStats stats;
    private final ProcessProbe self = ProcessProbe.self();
    private final ProcessProbe broker;
    private BenchStats.Snapshot start;
    private BenchStats.Snapshot end;
    private long selfCpuStart;
    private long selfCpuEnd;
    private long brokerCpuStart;
    private long brokerCpuEnd;
    private long stealStart;
    private long stealEnd;
    private long reclaimStart;
    private long reclaimEnd;
    private ProcessProbe.SchedStat brokerSchedStart;
    private ProcessProbe.SchedStat brokerSchedEnd;
    private Histogram latency;

    MeasuredWindow(BenchStats stats, ProcessProbe broker) {
        this.stats = stats;
        this.broker = broker;
    }

    void begin() {
        stats.latency.getIntervalHistogram(); // discards what warm-up recorded
        selfCpuStart = self.cpuNanos();
        stealStart = HostSteal.nanos();
        reclaimStart = KernelReclaim.nanos();
        brokerCpuStart = broker == null ? -1 : broker.cpuNanos();
        brokerSchedStart = broker == null ? null : broker.schedStat();
        start = stats.snapshot();
    }

    void end() {
        end = stats.snapshot();
        latency = stats.latency.getIntervalHistogram();
        selfCpuEnd = self.cpuNanos();
        stealEnd = HostSteal.nanos();
        reclaimEnd = KernelReclaim.nanos();
        brokerCpuEnd = broker == null ? -1 : broker.cpuNanos();
        brokerSchedEnd = broker == null ? null : broker.schedStat();
    }

    double seconds() {
        return (end.atNanos() - start.atNanos()) / 1e9;
    }

    Map<String, Object> throughput() {
        Map<String, Object> m = new LinkedHashMap<>();
        double s = seconds();
        m.put("seconds", round(s));
        m.put("published_per_second", Math.round((end.sent() - start.sent()) / s));
        m.put("acked_per_second", Math.round((end.acked() - start.acked()) / s));
        m.put("received_per_second", Math.round((end.received() - start.received()) / s));
        m.put("errors", end.errors() - start.errors());
        return m;
    }

    Map<String, Object> latencyMicros() {
        return percentiles(latency);
    }

    Map<String, Object> cpu() {
        Map<String, Object> m = new LinkedHashMap<>();
        long wall = end.atNanos() - start.atNanos();
        m.put("tool_percent_of_one_core", round(100.0 * (selfCpuEnd - selfCpuStart) / wall));
        if (broker != null && brokerCpuStart >= 0 && brokerCpuEnd >= 0) {
            m.put("broker_percent_of_one_core", round(100.0 * (brokerCpuEnd - brokerCpuStart) / wall));
        }
        if (brokerSchedStart != null && brokerSchedEnd != null) {
            // A thread that sleeps and is woken gets a new timeslice: at a light rate these count its wake-ups, and
            // the wait says how long a woken thread stood ready before a CPU took it.
            long slices = brokerSchedEnd.slices() - brokerSchedStart.slices();
            m.put("broker_timeslices_per_second", Math.round(slices / (wall / 1e9)));
            if (slices > 0) {
                m.put("broker_runqueue_wait_micros_per_timeslice",
                        round((brokerSchedEnd.waitNanos() - brokerSchedStart.waitNanos()) / 1e3 / slices));
            }
        }
        m.put("cores", Runtime.getRuntime().availableProcessors());
        double steal = HostSteal.percent(stealStart, stealEnd, wall);
        if (steal >= 0) {
            m.put("host_steal_percent", round(steal));
        }
        if (reclaimStart >= 0 && reclaimEnd >= reclaimStart) {
            m.put("kernel_reclaim_percent_of_one_core", round(100.0 * (reclaimEnd - reclaimStart) / wall));
        }
        return m;
    }

    static Map<String, Object> percentiles(Histogram h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", h.getTotalCount());
        if (h.getTotalCount() > 0) {
            m.put("p50", h.getValueAtPercentile(50));
            m.put("p90", h.getValueAtPercentile(90));
            m.put("p99", h.getValueAtPercentile(99));
            m.put("p99_9", h.getValueAtPercentile(99.9));
            m.put("max", h.getMaxValue());
            m.put("mean", round(h.getMean()));
        }
        return m;
    }

    static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
