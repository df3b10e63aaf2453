package io.starling.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time the hypervisor gave to other guests while this machine's vCPUs wanted to run ("steal" in
 * /proc/stat). On a shared host a light-rate tail follows it more than it follows the broker, so a run
 * reports it and the suite can tell a measurement from a noisy minute.
 */
final class HostSteal {
    private static final Path STAT = Path.of("/proc/stat");

    private HostSteal() {
    }

    /** Steal time of all CPUs since boot in nanoseconds, or -1 where /proc/stat has none. */
    static long nanos() {
        try (var lines = Files.lines(STAT)) {
            String all = lines.findFirst().orElse("");
            // "cpu  user nice system idle iowait irq softirq steal ...": steal is the eighth number.
            String[] fields = all.trim().split("\\s+");
            if (!all.startsWith("cpu ") || fields.length <= 8) {
                return -1;
            }
            return Long.parseLong(fields[8]) * ProcessProbe.NANOS_PER_TICK;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The share of the machine's CPU time stolen between two readings over {@code wallNanos}, in percent. */
    static double percent(long before, long after, long wallNanos) {
        if (before < 0 || after < 0 || wallNanos <= 0) {
            return -1;
        }
        return 100.0 * (after - before) / ((double) wallNanos * Runtime.getRuntime().availableProcessors());
    }
}
