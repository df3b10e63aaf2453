package io.starling.bridge;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.starling.codec.MqttDecoder;
import io.starling.codec.MqttProperties;
import io.starling.codec.MqttVersion;
import io.starling.codec.PacketEncoder;
import io.starling.codec.PacketType;
import io.starling.codec.packet.AckPacket;
import io.starling.codec.packet.ConnAckPacket;
import io.starling.codec.packet.ConnectPacket;
import io.starling.codec.packet.MqttPacket;
import io.starling.codec.packet.PingRespPacket;
import io.starling.codec.packet.PublishPacket;
import io.starling.codec.packet.SubAckPacket;
import io.starling.codec.packet.SubscribePacket;
import io.starling.codec.packet.TopicSubscription;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A bare MQTT server (5, or 3.1.1 when the CONNECT says so) for what a Starling or Mosquitto remote cannot be made
 * to do or show: it accepts every CONNECT with the CONNACK properties it was given, grants every subscription,
 * acknowledges every PUBLISH, answers PINGREQs until told to fall silent, and records what it got, with when.
 */
final class RawRemote implements AutoCloseable {
    /** A packet the server read, with {@link System#nanoTime()} when, on its {@code connection}-th (from 1). */
    record Received(MqttPacket packet, long atNanos, int connection) {
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final MqttProperties connAck;
    private final Channel server;
    final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile boolean silent;
    private volatile boolean sessionPresent;
    private volatile Channel latest;
    private final java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();

    RawRemote(MqttProperties connAck) throws InterruptedException {
        this.connAck = connAck;
        this.server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(MqttDecoder.forServer(1 << 20), new Handler());
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** From now on CONNACKs say the session was kept, as a remote with a persistent session. */
    void keepSessions() {
        sessionPresent = true;
    }

    /** Sends {@code packet} to the bridge on the latest connection, as MQTT 5. */
    void send(MqttPacket packet) {
        Channel c = latest;
        c.writeAndFlush(PacketEncoder.encode(packet, MqttVersion.MQTT_5, c.alloc())).syncUninterruptibly();
    }

    /** Closes the latest connection, as a network failure: the bridge connects again. */
    void dropConnection() {
        latest.close().syncUninterruptibly();
    }

    /** From now on nothing is answered, as a remote that hangs. */
    void fallSilent() {
        silent = true;
    }

    /** The packets of {@code type} received, oldest first. */
    List<Received> all(PacketType type) {
        return received.stream().filter(r -> r.packet().type() == type).toList();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Handler extends SimpleChannelInboundHandler<MqttPacket> {
        private MqttVersion version = MqttVersion.MQTT_5;
        private int connection;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            connection = connections.incrementAndGet();
            latest = ctx.channel();
            ctx.fireChannelActive();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, MqttPacket packet) {
            received.add(new Received(packet, System.nanoTime(), connection));
            if (silent) {
                return;
            }
            MqttPacket answer = null;
            if (packet instanceof ConnectPacket c) {
                version = c.version();
                answer = new ConnAckPacket(sessionPresent, 0, version.isV5() ? connAck : MqttProperties.NONE);
            } else if (packet instanceof SubscribePacket s) {
                answer = new SubAckPacket(s.packetId(), s.subscriptions().stream().map(TopicSubscription::qos)
                        .toList(), MqttProperties.NONE);
            } else if (packet instanceof PublishPacket p && p.qos() > 0) {
                answer = AckPacket.of(p.qos() == 1 ? PacketType.PUBACK : PacketType.PUBREC, p.packetId());
            } else if (packet.type() == PacketType.PUBREL) {
                answer = AckPacket.of(PacketType.PUBCOMP, ((AckPacket) packet).packetId());
            } else if (packet.type() == PacketType.PINGREQ) {
                answer = PingRespPacket.INSTANCE;
            }
            if (answer != null) {
                ctx.writeAndFlush(PacketEncoder.encode(answer, version, ctx.alloc()));
            }
        }
    }
}
