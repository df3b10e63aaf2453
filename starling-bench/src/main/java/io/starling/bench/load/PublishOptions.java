package io.starling.bench.load;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BooleanSupplier;
import picocli.CommandLine.Option;

/** What publishers send and how fast. */
final class PublishOptions {
    @Option(names = {"-t", "--topic"}, defaultValue = "bench/%i",
            description = "Topic to publish to; %%i is the client number, %%c the client id, %%s the message's"
                    + " sequence number (8 digits) (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = {"-r", "--retain"}, description = "Publish retained messages.")
    boolean retain;

    @Option(names = {"-q", "--qos"}, defaultValue = "0", description = "QoS 0, 1 or 2 (default: ${DEFAULT-VALUE}).")
    int qos;

    @Option(names = {"-s", "--size"}, defaultValue = "64",
            description = "Payload bytes, at least 24 for the sequence/timestamp header (default: ${DEFAULT-VALUE}).")
    int payloadSize;

    @Option(names = {"-I", "--pub-interval"}, defaultValue = "1000",
            description = "Milliseconds between messages per publisher; 0 publishes as fast as the broker takes them (default: ${DEFAULT-VALUE}).")
    double intervalMillis;

    @Option(names = {"-R", "--rate"}, defaultValue = "0",
            description = "Total messages per second over all publishers; overrides --pub-interval.")
    double totalRate;

    @Option(names = {"-L", "--limit"}, defaultValue = "0", description = "Messages per publisher, then stop; the run ends early once every publisher has sent (and had acknowledged) its limit; 0 = no limit.")
    long limit;

    @Option(names = "--inflight", defaultValue = "64",
            description = "Unacknowledged QoS 1/2 messages per publisher, capped by the broker's receive maximum (default: ${DEFAULT-VALUE}).")
    int inflight;

    void validate() {
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("--qos must be 0, 1 or 2, not " + qos);
        }
        if (inflight < 1 || inflight > 65_535) {
            throw new IllegalArgumentException("--inflight must be 1..65535, not " + inflight);
        }
    }

    /** Messages per second for each of {@code publishers}; 0 means unpaced. */
    double ratePerPublisher(int publishers) {
        if (totalRate > 0) {
            return totalRate / publishers;
        }
        return intervalMillis > 0 ? 1000.0 / intervalMillis : 0;
    }

    PublishLoop loop(int number, String clientId, int publishers, boolean v5, BenchStats stats) {
        byte[] topicBytes = ConnectionOptions.expand(topic, number, clientId).getBytes(StandardCharsets.UTF_8);
        return new PublishLoop(number, topicBytes, qos, retain, payloadSize, v5, ratePerPublisher(publishers), limit,
                inflight, stats);
    }

    /** Whether a run with {@code --limit} is over: every one of {@code publishers} sent and had acknowledged it. */
    BooleanSupplier allSent(List<BenchClient> publishers) {
        return () -> limit > 0 && publishers.stream().allMatch(c -> c.publisher().finished());
    }
}
