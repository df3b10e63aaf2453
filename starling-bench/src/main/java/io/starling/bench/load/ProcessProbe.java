package io.starling.bench.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** CPU time and memory of a process, read from /proc (and jcmd for a JVM's live heap). */
final class ProcessProbe {
    static final long NANOS_PER_TICK = 10_000_000L; // USER_HZ is 100 on Linux
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
    private final long pid;

    private ProcessProbe(long pid) {
        this.pid = pid;
    }

    static ProcessProbe self() {
        return new ProcessProbe(ProcessHandle.current().pid());
    }

    /** The process to watch, or null when none was named. */
    static ProcessProbe of(Long pid) {
        if (pid == null) {
            return null;
        }
        if (!Files.isReadable(Path.of("/proc", pid.toString(), "stat"))) {
            throw new IllegalArgumentException("--broker-pid " + pid + ": no such process readable in /proc");
        }
        return new ProcessProbe(pid);
    }

    /** User plus system CPU time in nanoseconds, or -1 when it cannot be read. */
    long cpuNanos() {
        if (pid == ProcessHandle.current().pid()
                && ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // Fields after the command name start at field 3 (state); utime is field 14, stime 15.
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * NANOS_PER_TICK;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * What the scheduler did for the process's threads, summed (/proc/PID/task/TID/schedstat): the times a thread
     * was put on a CPU and how long threads waited, ready, for one. Null when the kernel does not keep it.
     */
    SchedStat schedStat() {
        long waited = 0;
        long slices = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                String[] fields;
                try {
                    fields = Files.readString(task.resolve("schedstat")).trim().split(" ");
                } catch (NoSuchFileException gone) {
                    continue; // the thread ended between the listing and the read
                }
                // "time on CPU (ns) time waiting on a run queue (ns) timeslices"
                waited += Long.parseLong(fields[1]);
                slices += Long.parseLong(fields[2]);
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return new SchedStat(waited, slices);
    }

    /** Summed run-queue wait and timeslices of a process's threads. */
    record SchedStat(long waitNanos, long slices) {
    }

    /** Resident set size in bytes, or -1. */
    long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Heap in use right after a full GC, in bytes, for a JVM that jcmd can reach; -1 otherwise. */
    long liveHeapBytes() {
        if (jcmd("GC.run") == null) {
            return -1;
        }
        String info = jcmd("GC.heap_info");
        Matcher m = info == null ? null : HEAP_USED.matcher(info);
        return m != null && m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
    }

    private String jcmd(String command) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
