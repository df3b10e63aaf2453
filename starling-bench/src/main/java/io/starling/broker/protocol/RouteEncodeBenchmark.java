package io.starling.broker.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.starling.api.Message;
import io.starling.broker.config.SharedStrategy;
import io.starling.broker.delivery.Delivery;
import io.starling.broker.routing.Destination;
import io.starling.broker.routing.Router;
import io.starling.broker.routing.SharedGroup;
import io.starling.broker.routing.Subscription;
import io.starling.codec.MqttProperties;
import io.starling.codec.MqttVersion;
import io.starling.codec.PacketEncoder;
import io.starling.codec.packet.PublishPacket;
import java.util.List;
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
 * The message path after decoding, as the node runs it for one inbound PUBLISH: {@link Router#route} to
 * {@code fanout} subscribers, and for each the outbound PUBLISH built (properties included for MQTT 5) and
 * encoded into a pooled direct buffer, which is then released where the socket write would take it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RouteEncodeBenchmark {

    @Param({"1", "100"})
    public int fanout;

    @Param({"MQTT_3_1_1", "MQTT_5"})
    public MqttVersion version;

    private Router router;
    private Message message;

    /** Encodes what it is given, as a connection's sendPublish does, and drops the bytes. */
    static final class EncodingDestination implements Destination {
        private final String id;
        private final MqttVersion version;
        long bytes;

        EncodingDestination(String id, MqttVersion version) {
            this.id = id;
            this.version = version;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public void deliver(Message m, List<Subscription> matched, SharedGroup group) {
            MqttProperties props = version.isV5()
                    ? MessageMapping.publishProperties(m, Delivery.NO_IDS, null, m.createdAtMillis())
                    : MqttProperties.NONE;
            PublishPacket p = new PublishPacket(1, m.topic(), m.payload(), m.qos().value(), false, false, props);
            ByteBuf buf = PooledByteBufAllocator.DEFAULT.ioBuffer(PacketEncoder.encodedSize(p, version));
            PacketEncoder.encode(p, version, buf);
            bytes += buf.readableBytes();
            buf.release();
        }
    }

    @Setup
    public void setUp() {
        router = new Router(SharedStrategy.ROUND_ROBIN);
        for (int i = 0; i < fanout; i++) {
            router.subscribe(new Subscription("sensors/+/temperature", new EncodingDestination("c" + i, version), 1,
                    false, false, 0, 0));
        }
        message = MessageMapping.toMessage("sensors/device-000042/temperature", new byte[64], 1, false,
                MqttProperties.NONE, "publisher", System.currentTimeMillis());
    }

    @Benchmark
    public int routeAndEncode() {
        return router.route(message);
    }
}
