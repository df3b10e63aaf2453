package io.starling.bench.load;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of the kernel's DAMON threads (kdamond), which some guest images run to page out memory nobody touches.
 * They take slices of several milliseconds from whatever runs, and take more of them the more memory the
 * processes hold: on this project's machine they were the light-rate tail of every JVM broker. A run reports
 * their share so that the reader can tell the broker from the host.
 */
final class KernelReclaim {
    private static final Path KDAMONDS = Path.of("/sys/kernel/mm/damon/admin/kdamonds");

    private KernelReclaim() {
    }

    /** Summed CPU time of the running kdamond threads in nanoseconds; -1 when the kernel runs none. */
    static long nanos() {
        long total = 0;
        boolean any = false;
        try (DirectoryStream<Path> daemons = Files.newDirectoryStream(KDAMONDS, "[0-9]*")) {
            for (Path daemon : daemons) {
                long pid = Long.parseLong(Files.readString(daemon.resolve("pid")).trim());
                long cpu = pid > 0 ? ProcessProbe.of(pid).cpuNanos() : -1;
                if (cpu >= 0) {
                    total += cpu;
                    any = true;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return any ? total : -1;
    }
}
