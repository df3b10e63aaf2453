package io.starling.bench.load;

import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pub}: publishers at a rate or flat out; subscribers elsewhere read their sequence numbers. */
@Command(name = "pub", description = "Publish from clients: publish and acknowledgement rates, in flight.")
final class PubCommand extends ModeCommand {
    @Option(names = {"-c", "--count"}, defaultValue = "1", description = "Clients (default: ${DEFAULT-VALUE}).")
    int count;

    @Mixin
    PublishOptions publish;

    @Override
    String mode() {
        return "pub";
    }

    @Override
    int execute(LoadRun load, Map<String, Object> summary) throws Exception {
        publish.validate();
        boolean v5 = connection.version().isV5();
        List<BenchClient> ready = load.connect("pub", count, (number, id, lifecycle) ->
                new BenchClient(connection.profile(), id, List.of(), publish.loop(number, id, count, v5, load.stats()),
                        load.stats(), lifecycle, load.webSocket()));
        ready.forEach(c -> c.publisher().start());
        MeasuredWindow window = measure(load, publish.allSent(ready));
        ready.forEach(c -> c.publisher().stop());
        load.disconnectAll();
        summary.put("clients", count);
        summary.put("publishing", ready.size());
        summary.put("qos", publish.qos);
        summary.put("payload_bytes", Math.max(publish.payloadSize, Probe.HEADER_BYTES));
        summary.put("throughput", window.throughput());
        summary.put("cpu", window.cpu());
        summary.put("sent_total", load.stats().sent.sum());
        summary.put("acked_total", load.stats().acked.sum());
        return ready.size() == count ? 0 : 1;
    }
}
