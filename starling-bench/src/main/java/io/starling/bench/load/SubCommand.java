package io.starling.bench.load;

import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sub}: subscribers that count what arrives, per publisher sequence, and measure latency. */
@Command(name = "sub", description = "Subscribe clients: receive rate, end-to-end latency, gaps and duplicates per sequence.")
final class SubCommand extends ModeCommand {
    @Option(names = {"-c", "--count"}, defaultValue = "1", description = "Clients (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = {"-t", "--topic"}, required = true,
            description = "Filter to subscribe to; %%i is the client number, %%c the client id.")
    String topic;

    @Option(names = {"-q", "--qos"}, defaultValue = "0", description = "QoS 0, 1 or 2 (default: ${DEFAULT-VALUE}).")
    int qos;

    @Override
    String mode() {
        return "sub";
    }

    @Override
    int execute(LoadRun load, Map<String, Object> summary) throws Exception {
        List<BenchClient> ready = load.connect("sub", count, (number, id, lifecycle) ->
                new BenchClient(connection.profile(), id,
                        LoadRun.subscriptions(ConnectionOptions.expand(topic, number, id), qos), null, load.stats(),
                        lifecycle, load.webSocket()));
        MeasuredWindow window = measure(load);
        load.disconnectAll();
        load.stopIo();
        summary.put("clients", count);
        summary.put("subscribed", ready.size());
        summary.put("qos", qos);
        summary.put("throughput", window.throughput());
        summary.put("latency_micros", window.latencyMicros());
        summary.put("cpu", window.cpu());
        long gaps = 0;
        long duplicates = 0;
        for (BenchClient c : ready) {
            gaps += c.tracker().gaps();
            duplicates += c.tracker().duplicates();
        }
        summary.put("received_total", load.stats().received.sum());
        summary.put("lost_in_sequence_gaps", gaps);
        summary.put("duplicates", duplicates);
        boolean faulty = ready.size() < count || (qos > 0 && gaps > 0) || (qos == 2 && duplicates > 0);
        return faulty ? 1 : 0;
    }
}
