package io.starling.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.starling.codec.packet.MqttPacket;
import io.starling.codec.packet.PublishPacket;
import java.util.ArrayList;
import java.util.List;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decode and encode of one PUBLISH (64-byte payload) through the same code the broker runs: the framing
 * decoder and {@link PacketEncoder}. Lives in the codec's package to call the decoder's decode step directly.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PublishCodecBenchmark {

    @Param({"MQTT_3_1_1", "MQTT_5"})
    public String version;

    private MqttVersion mqttVersion;
    private PublishPacket packet;
    private ByteBuf encoded;
    private MqttDecoder decoder;
    private final List<Object> out = new ArrayList<>(1);

    @Setup(Level.Trial)
    public void setUp() {
        mqttVersion = MqttVersion.valueOf(version);
        MqttProperties props = mqttVersion.isV5()
                ? MqttProperties.builder().messageExpiryInterval(60L).addUserProperty("k", "v").build()
                : MqttProperties.NONE;
        packet = new PublishPacket(42, "sensors/building-7/floor-3/temperature", new byte[64], 1, false, false,
                props);
        encoded = PooledByteBufAllocator.DEFAULT.directBuffer();
        PacketEncoder.encode(packet, mqttVersion, encoded);
        decoder = MqttDecoder.forClient(1 << 20, mqttVersion);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        encoded.release();
    }

    @Benchmark
    public MqttPacket decode() {
        ByteBuf in = encoded.duplicate();
        out.clear();
        decoder.decode(null, in, out);
        return (MqttPacket) out.get(0);
    }

    @Benchmark
    public int encode() {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(PacketEncoder.encodedSize(packet, mqttVersion));
        PacketEncoder.encode(packet, mqttVersion, buf);
        int size = buf.readableBytes();
        buf.release();
        return size;
    }
}
