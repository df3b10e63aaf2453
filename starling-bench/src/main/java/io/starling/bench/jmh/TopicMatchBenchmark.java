package io.starling.bench.jmh;

import io.starling.api.Message;
import io.starling.api.MessageProperties;
import io.starling.api.QoS;
import io.starling.broker.config.SharedStrategy;
import io.starling.broker.routing.Destination;
import io.starling.broker.routing.Router;
import io.starling.broker.routing.SharedGroup;
import io.starling.broker.routing.Subscription;
import io.starling.broker.routing.TopicTrie;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Topic matching against a large route table of mixed filters, one destination per filter:
 * 70% exact ({@code device/N/telemetry}), 15% single-level wildcard ({@code device/N/+}),
 * 10% multi-level wildcard ({@code site/N/#}), 5% leading wildcard ({@code +/N/status}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
public class TopicMatchBenchmark {

    @Param({"1000000"})
    public int subscriptions;

    private TopicTrie trie;
    private Router router;
    private String[] topics;
    private Message[] messages;
    private int next;

    /** A destination that only counts, so the benchmark measures matching, not delivery. */
    static final class CountingDestination implements Destination {
        private final String id;
        long delivered;

        CountingDestination(String id) {
            this.id = id;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public void deliver(Message message, List<Subscription> matched, SharedGroup group) {
            delivered++;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        trie = new TopicTrie();
        router = new Router(SharedStrategy.ROUND_ROBIN);
        int devices = subscriptions;
        for (int i = 0; i < subscriptions; i++) {
            String filter = filterFor(i);
            CountingDestination d = new CountingDestination("c" + i);
            Subscription s = new Subscription(filter, d, 1, false, false, 0, 0);
            trie.add(s);
            router.subscribe(s);
        }
        SplittableRandom random = new SplittableRandom(7);
        topics = new String[4096];
        messages = new Message[topics.length];
        for (int i = 0; i < topics.length; i++) {
            int n = random.nextInt(devices);
            topics[i] = switch (i % 4) {
                case 0, 1 -> "device/" + n + "/telemetry";
                case 2 -> "site/" + (n % 50_000) + "/room/" + n;
                default -> "device/" + n + "/status";
            };
            messages[i] = new Message(topics[i], new byte[64], QoS.AT_MOST_ONCE, false, MessageProperties.NONE,
                    "publisher", 0);
        }
    }

    private static String filterFor(int i) {
        int kind = i % 20;
        if (kind < 14) {
            return "device/" + i + "/telemetry";
        }
        if (kind < 17) {
            return "device/" + i + "/+";
        }
        if (kind < 19) {
            return "site/" + (i % 50_000) + "/#";
        }
        return "+/" + i + "/status";
    }

    @Benchmark
    public void match(Blackhole bh) {
        List<Subscription> out = new ArrayList<>(4);
        trie.match(topics[next++ & (topics.length - 1)], out);
        bh.consume(out);
    }

    /** The router's whole matching step, including grouping per destination and the deliver calls. */
    @Benchmark
    public int route() {
        return router.route(messages[next++ & (messages.length - 1)]);
    }
}
