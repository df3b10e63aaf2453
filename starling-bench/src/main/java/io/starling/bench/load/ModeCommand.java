package io.starling.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The frame every mode shares: start a run, let the mode drive it, stop at the duration or on Ctrl-C, and print
 * the summary (as text, or JSON with {@code --json}). Exit code 0 when the run went as planned, 1 when clients
 * failed to connect or the mode found a problem (lost messages, duplicates at QoS 2), 2 for bad options.
 */
abstract class ModeCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions connection;

    @Mixin
    RunOptions run;

    @Option(names = "--help", usageHelp = true, description = "Show this help.")
    boolean help;

    @Spec
    CommandSpec spec;

    private static final long DONE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);

    /** Drives the run and fills the summary; returns the exit code. */
    abstract int execute(LoadRun load, Map<String, Object> summary) throws Exception;

    abstract String mode();

    @Override
    public final Integer call() throws Exception {
        Thread hook = new Thread(() -> {
            stopRequested.countDown();
            try {
                finished.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "bench-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        Map<String, Object> summary = new LinkedHashMap<>();
        int code;
        try (LoadRun load = new LoadRun(connection, run.quiet ? null : System.err)) {
            summary.put("mode", mode());
            summary.put("broker", connection.host + ":" + connection.port);
            summary.put("protocol_level", connection.protocolLevel);
            summary.put("transport", load.transportName() + (connection.tls ? "+tls" : "")
                    + (load.webSocket() ? "+ws" : ""));
            code = execute(load, summary);
            if (load.stats().errors.sum() > 0) {
                summary.put("last_error", load.stats().lastError());
            }
            print(summary);
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running and waits for this summary.
            }
        }
        return code;
    }

    /** Waits for the given seconds or until Ctrl-C; true when Ctrl-C came. */
    final boolean pause(double seconds) throws InterruptedException {
        return seconds <= 0 ? stopRequested() : stopRequested.await((long) (seconds * 1e9), TimeUnit.NANOSECONDS);
    }

    /**
     * Runs the measured part: the duration (0: until Ctrl-C), ended early once {@code done} holds, so that a run
     * with {@code --limit} stops when its messages are out however fast or slow the broker takes them.
     */
    final void hold(double seconds, BooleanSupplier done) throws InterruptedException {
        long deadline = seconds <= 0 ? Long.MAX_VALUE : System.nanoTime() + (long) (seconds * 1e9);
        while (!done.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || stopRequested.await(Math.min(left, DONE_POLL_NANOS), TimeUnit.NANOSECONDS)) {
                return;
            }
        }
    }

    /** Warm-up, then the measured window over the duration; a Ctrl-C during warm-up gives an empty window. */
    final MeasuredWindow measure(LoadRun load) throws InterruptedException {
        return measure(load, () -> false);
    }

    /** As {@link #measure(LoadRun)}, ending the window early once {@code done} holds. */
    final MeasuredWindow measure(LoadRun load, BooleanSupplier done) throws InterruptedException {
        MeasuredWindow window = new MeasuredWindow(load.stats(), broker());
        boolean stopped = pause(run.warmupSeconds);
        window.begin();
        if (!stopped) {
            hold(run.durationSeconds, done);
        }
        window.end();
        return window;
    }

    final boolean stopRequested() {
        return stopRequested.getCount() == 0;
    }

    final ProcessProbe broker() {
        return ProcessProbe.of(run.brokerPid);
    }

    private void print(Map<String, Object> summary) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (run.json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(summary));
        } else {
            printText(out, summary, "");
        }
        out.flush();
    }

    private static void printText(PrintWriter out, Map<?, ?> map, String indent) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> nested) {
                out.println(indent + e.getKey() + ":");
                printText(out, nested, indent + "  ");
            } else {
                Object v = e.getValue();
                out.println(indent + e.getKey() + ": " + (v instanceof Long || v instanceof Integer
                        ? String.format("%,d", ((Number) v).longValue()) : v));
            }
        }
    }
}
