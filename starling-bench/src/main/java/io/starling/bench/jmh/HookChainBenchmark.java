package io.starling.bench.jmh;

import io.starling.api.ClientInfo;
import io.starling.api.Message;
import io.starling.api.MessageProperties;
import io.starling.api.QoS;
import io.starling.api.hook.HookListener;
import io.starling.api.hook.HookOptions;
import io.starling.api.hook.PublishInterceptor;
import io.starling.broker.hook.Hooks;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the hook points cost one PUBLISH: the publish interceptor chain and the published and delivered
 * observers, as {@code PublishFlow} and the session call them, with no hook, with one no-op interceptor and
 * observer, and with three of each.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HookChainBenchmark {

    @Param({"0", "1", "3"})
    public int hooks;

    private Hooks chain;
    private ClientInfo client;
    private Message message;

    @Setup
    public void setUp() {
        chain = new Hooks();
        for (int i = 0; i < hooks; i++) {
            chain.add((PublishInterceptor) (c, m) -> m, HookOptions.priority(i));
            chain.add(new HookListener() {
            }, HookOptions.priority(i));
        }
        client = new ClientInfo("bench-client", null, new InetSocketAddress("127.0.0.1", 40000), 4, "tcp:default");
        message = new Message("bench/1/telemetry", new byte[64], QoS.AT_MOST_ONCE, false, MessageProperties.NONE,
                "bench-client", 0);
    }

    /** The publish path's hook points for one message, as {@code PublishFlow} and {@code Session} run them. */
    @Benchmark
    public Message publishPath() {
        Message m = message;
        if (chain.interceptsPublish()) {
            CompletableFuture<Message> out = chain.publish(client, m);
            m = out.join();
        }
        chain.published(client, m);
        chain.delivered("subscriber", m);
        return m;
    }
}
