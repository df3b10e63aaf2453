package io.starling.bench.load;

import picocli.CommandLine.Option;

/** How long a run lasts and how it reports: shared by every mode. */
final class RunOptions {
    @Option(names = {"-d", "--duration"}, defaultValue = "0",
            description = "Seconds to measure after the warm-up; 0 runs until Ctrl-C (default: ${DEFAULT-VALUE}).")
    double durationSeconds;

    @Option(names = {"-w", "--warmup"}, defaultValue = "0",
            description = "Seconds of load before measuring starts (default: ${DEFAULT-VALUE}).")
    double warmupSeconds;

    @Option(names = "--json", description = "Print the summary as JSON on stdout.")
    boolean json;

    @Option(names = {"-Q", "--quiet"}, description = "No live line every second.")
    boolean quiet;

    @Option(names = "--broker-pid", description = "Process id of the broker, to report its CPU and memory.")
    Long brokerPid;
}
