package io.starling.bench.load;

import io.starling.codec.Topics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pubsub}: subscribers and publishers in one process, so that every message is accounted for: what each
 * publisher had acknowledged (QoS 1/2) or sent (QoS 0) against what each matching subscriber received.
 */
@Command(name = "pubsub", description = "Subscribers and publishers in one process: throughput, latency, exact loss and duplicates.")
final class PubSubCommand extends ModeCommand {
    @Option(names = "--pubs", defaultValue = "1", description = "Publishing clients (default: ${DEFAULT-VALUE}).")
    int publishers;

    @Option(names = "--subs", defaultValue = "1", description = "Subscribing clients (default: ${DEFAULT-VALUE}).")
    int subscribers;

    @Option(names = "--sub-topic", defaultValue = "bench/#",
            description = "Filter each subscriber subscribes to; %%i and %%c as for --topic (default: ${DEFAULT-VALUE}).")
    String subTopic;

    @Option(names = "--drain", defaultValue = "10",
            description = "Seconds at most to wait, after publishing stops, for the last messages (default: ${DEFAULT-VALUE}).")
    double drainSeconds;

    @Option(names = "--max-outstanding", defaultValue = "0",
            description = "Closed loop: publishers wait while this many deliveries are published but not yet received (after 100 ms without progress they count as lost); 0 = open loop (default).")
    long maxOutstanding;

    @Option(names = "--sub-port", defaultValue = "0",
            description = "Port the subscribers connect to, when not --port: another node of a cluster, so that every message crosses between nodes (default: the same port).")
    int subPort;

    @Mixin
    PublishOptions publish;

    @Override
    String mode() {
        return "pubsub";
    }

    @Override
    int execute(LoadRun load, Map<String, Object> summary) throws Exception {
        publish.validate();
        boolean v5 = connection.version().isV5();
        List<BenchClient> subs = load.connect("sub", subscribers, subPort, (number, id, lifecycle) ->
                new BenchClient(connection.profile(), id,
                        LoadRun.subscriptions(ConnectionOptions.expand(subTopic, number, id), publish.qos), null,
                        load.stats(), lifecycle, load.webSocket()));
        List<BenchClient> pubs = load.connect("pub", publishers, (number, id, lifecycle) ->
                new BenchClient(connection.profile(), id, List.of(),
                        publish.loop(number, id, publishers, v5, load.stats()), load.stats(), lifecycle,
                        load.webSocket()));
        if (maxOutstanding > 0) {
            OutstandingLimit limit = new OutstandingLimit(maxOutstanding, deliveriesPerMessage(pubs, subs),
                    load.stats());
            pubs.forEach(c -> c.publisher().limitOutstanding(limit));
        }
        pubs.forEach(c -> c.publisher().start());
        MeasuredWindow window = measure(load, publish.allSent(pubs));
        pubs.forEach(c -> c.publisher().stop());
        drain(load.stats());
        load.disconnectAll();
        load.stopIo();

        summary.put("publishers", pubs.size() + " of " + publishers);
        summary.put("subscribers", subs.size() + " of " + subscribers);
        summary.put("qos", publish.qos);
        summary.put("payload_bytes", Math.max(publish.payloadSize, Probe.HEADER_BYTES));
        summary.put("throughput", window.throughput());
        summary.put("latency_micros", window.latencyMicros());
        summary.put("cpu", window.cpu());
        Map<String, Object> delivery = delivery(pubs, subs);
        summary.put("delivery", delivery);
        boolean complete = pubs.size() == publishers && subs.size() == subscribers;
        boolean lossFree = publish.qos == 0 || Long.valueOf(0).equals(delivery.get("lost"));
        boolean noDuplicates = publish.qos < 2 || Long.valueOf(0).equals(delivery.get("duplicates"));
        return complete && lossFree && noDuplicates ? 0 : 1;
    }

    /** How many subscribers an average message reaches, from the filters and the publishers' topics. */
    private static int deliveriesPerMessage(List<BenchClient> pubs, List<BenchClient> subs) {
        long matches = 0;
        for (BenchClient p : pubs) {
            for (BenchClient s : subs) {
                String filter = s.subscriptionFilter();
                if (Topics.isShared(filter) || Topics.matches(filter, p.publisher().topic())) {
                    matches++;
                }
            }
        }
        return (int) Math.max(1, Math.round((double) matches / Math.max(1, pubs.size())));
    }

    /** Waits until nothing is in flight and nothing arrived for a second, or the drain time is up. */
    private void drain(BenchStats stats) throws InterruptedException {
        long deadline = System.nanoTime() + (long) (drainSeconds * 1e9);
        long lastReceived = -1;
        long quietSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long received = stats.received.sum();
            if (received != lastReceived) {
                lastReceived = received;
                quietSince = System.nanoTime();
            } else if (stats.inflight() == 0 && System.nanoTime() - quietSince > TimeUnit.SECONDS.toNanos(1)) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    /** Expected deliveries (per matching subscriber of each publisher's topic) against what arrived. */
    private Map<String, Object> delivery(List<BenchClient> pubs, List<BenchClient> subs) {
        Map<String, Object> m = new LinkedHashMap<>();
        long sent = 0;
        long acked = 0;
        long expected = 0;
        long distinct = 0;
        long lost = 0;
        long duplicates = 0;
        long reordered = 0;
        boolean shared = false;
        for (BenchClient s : subs) {
            duplicates += s.tracker().duplicates();
            reordered += s.tracker().reordered();
        }
        for (BenchClient p : pubs) {
            PublishLoop loop = p.publisher();
            sent += loop.sent();
            acked += loop.acked();
            long confirmed = publish.qos == 0 ? loop.sent() : loop.acked();
            String topic = loop.topic();
            for (BenchClient s : subs) {
                String filter = s.subscriptionFilter();
                if (Topics.isShared(filter)) {
                    shared = true;
                } else if (Topics.matches(filter, topic)) {
                    long got = s.tracker().distinctFrom(loop.publisherNumber());
                    expected += confirmed;
                    distinct += got;
                    lost += Math.max(0, confirmed - got);
                }
            }
        }
        m.put("sent", sent);
        m.put("acked", publish.qos == 0 ? "n/a (QoS 0)" : acked);
        if (shared) {
            m.put("lost", "n/a (shared subscriptions)");
        } else {
            m.put("expected", expected);
            m.put("received_distinct", distinct);
            m.put("lost", lost);
            m.put("lost_percent", expected == 0 ? 0.0 : MeasuredWindow.round(100.0 * lost / expected));
        }
        m.put("duplicates", duplicates);
        m.put("reordered", reordered);
        return m;
    }
}
