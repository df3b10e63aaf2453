package io.starling.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.starling.codec.MqttDecodeException;
import io.starling.codec.MqttDecoder;
import io.starling.codec.MqttProperties;
import io.starling.codec.PacketEncoder;
import io.starling.codec.PacketType;
import io.starling.codec.packet.ConnAckPacket;
import io.starling.codec.packet.ConnectPacket;
import io.starling.codec.packet.DisconnectPacket;
import io.starling.codec.packet.MqttPacket;
import io.starling.codec.packet.SubAckPacket;
import io.starling.codec.packet.SubscribePacket;
import io.starling.codec.packet.TopicSubscription;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One MQTT client of a run: connects, subscribes and/or publishes, acknowledges what it receives and counts.
 * It frames packets itself and reads PUBLISH in place (no packet object, no payload copy) so that the
 * generator stays cheaper than the broker it loads; the rare packets go through the codec.
 */
final class BenchClient extends ByteToMessageDecoder {

    /** Told once per client: ready (connected, and subscribed when it subscribes) or failed before that. */
    interface Lifecycle {
        void ready(BenchClient client);

        void failed(BenchClient client, String why);
    }

    private final ClientProfile profile;
    private final String clientId;
    private final List<TopicSubscription> subscriptions;
    private final PublishLoop publisher;
    private final SequenceTracker tracker;
    private final BenchStats stats;
    private final Lifecycle lifecycle;
    private final boolean waitForWebSocket;

    private ChannelHandlerContext ctx;
    private long connectStartedMicros;
    private boolean connected;
    private boolean settled;
    private boolean closing;
    private boolean flushNeeded;
    private ScheduledFuture<?> pinger;

    BenchClient(ClientProfile profile, String clientId, List<TopicSubscription> subscriptions, PublishLoop publisher,
            BenchStats stats, Lifecycle lifecycle, boolean waitForWebSocket) {
        this.profile = profile;
        this.clientId = clientId;
        this.subscriptions = subscriptions;
        this.publisher = publisher;
        this.tracker = subscriptions.isEmpty() ? null : new SequenceTracker();
        this.stats = stats;
        this.lifecycle = lifecycle;
        this.waitForWebSocket = waitForWebSocket;
    }

    String clientId() {
        return clientId;
    }

    PublishLoop publisher() {
        return publisher;
    }

    /** The first filter this client subscribes to, or null. */
    String subscriptionFilter() {
        return subscriptions.isEmpty() ? null : subscriptions.get(0).topicFilter();
    }

    /** What this client received, per publisher; null when it subscribes to nothing. */
    SequenceTracker tracker() {
        return tracker;
    }

    void connectStarted() {
        connectStartedMicros = Probe.nowMicros();
    }

    /** Sends DISCONNECT and closes; safe from any thread. */
    void disconnect() {
        ChannelHandlerContext c = ctx;
        if (c == null) {
            return;
        }
        c.executor().execute(() -> {
            closing = true;
            if (publisher != null) {
                publisher.halt();
            }
            if (connected && c.channel().isActive()) {
                c.writeAndFlush(encode(new DisconnectPacket(0, MqttProperties.NONE))).addListener(f -> c.close());
            } else {
                c.close();
            }
        });
    }

    void connectFailed(Throwable cause) {
        settle(false, "connect: " + cause.getMessage());
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
    }

    @Override
    public void channelActive(ChannelHandlerContext context) throws Exception {
        if (!waitForWebSocket) {
            sendConnect();
        }
        super.channelActive(context);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext context, Object evt) throws Exception {
        if (evt == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            sendConnect();
        }
        super.userEventTriggered(context, evt);
    }

    private void sendConnect() {
        MqttProperties props = MqttProperties.NONE;
        if (profile.version().isV5()) {
            props = MqttProperties.builder().receiveMaximum(65_535)
                    .sessionExpiryInterval(profile.sessionExpirySeconds() > 0 ? profile.sessionExpirySeconds() : null)
                    .build();
        }
        write(new ConnectPacket(profile.version(), clientId, profile.cleanStart(), profile.keepAliveSeconds(),
                profile.username(), profile.password(), null, props));
        ctx.flush();
    }

    @Override
    protected void decode(ChannelHandlerContext context, ByteBuf in, List<Object> out) {
        while (in.readableBytes() >= 2) {
            int start = in.readerIndex();
            int remaining = 0;
            int lengthBytes = 0;
            int b;
            do {
                if (in.readableBytes() < 2 + lengthBytes) {
                    return;
                }
                b = in.getUnsignedByte(start + 1 + lengthBytes);
                remaining |= (b & 0x7F) << (7 * lengthBytes);
                lengthBytes++;
            } while ((b & 0x80) != 0 && lengthBytes < 4);
            int bodyStart = start + 1 + lengthBytes;
            if (in.writerIndex() - bodyStart < remaining) {
                return;
            }
            int first = in.getUnsignedByte(start);
            handle(first >> 4, first & 0x0F, in, bodyStart, remaining);
            in.readerIndex(bodyStart + remaining);
            if (!context.channel().isActive()) {
                in.skipBytes(in.readableBytes());
                return;
            }
        }
    }

    private void handle(int type, int flags, ByteBuf in, int body, int length) {
        switch (type) {
            case 3 -> onPublish(flags, in, body, length);
            case 4 -> {
                int id = in.getUnsignedShort(body);
                int reason = length > 2 ? in.getUnsignedByte(body + 2) : 0;
                if (publisher == null) {
                    return;
                }
                if (reason >= 0x80) {
                    publisher.onPubAckRefused(id, reason);
                } else {
                    publisher.onAck(id);
                }
            }
            case 5 -> {
                if (publisher != null) {
                    publisher.onPubRec(in.getUnsignedShort(body), length > 2 ? in.getUnsignedByte(body + 2) : 0);
                    flushNeeded = true;
                }
            }
            case 6 -> {
                writeAck(0x70, in.getUnsignedShort(body));
            }
            case 7 -> {
                if (publisher != null) {
                    publisher.onAck(in.getUnsignedShort(body));
                }
            }
            case 13 -> {
                // PINGRESP
            }
            default -> onControlPacket(PacketType.of(type), flags, in.slice(body, length));
        }
    }

    private void onControlPacket(PacketType type, int flags, ByteBuf body) {
        MqttPacket packet;
        try {
            packet = MqttDecoder.decodeBody(type, flags, body, profile.version());
        } catch (MqttDecodeException | IllegalArgumentException e) {
            fail("malformed " + type + " from the broker: " + e.getMessage());
            return;
        }
        if (packet instanceof ConnAckPacket connAck) {
            onConnAck(connAck);
        } else if (packet instanceof SubAckPacket subAck) {
            onSubAck(subAck);
        } else if (packet instanceof DisconnectPacket disconnect) {
            fail("DISCONNECT from the broker, reason 0x" + Integer.toHexString(disconnect.reasonCode()));
        }
    }

    private void onConnAck(ConnAckPacket connAck) {
        if (connAck.reasonCode() != 0) {
            fail("CONNACK refused with 0x" + Integer.toHexString(connAck.reasonCode()));
            return;
        }
        connected = true;
        stats.connackReceived(connectStartedMicros);
        if (profile.keepAliveSeconds() > 0) {
            long period = profile.keepAliveSeconds();
            pinger = ctx.executor().scheduleAtFixedRate(this::ping, period, period, TimeUnit.SECONDS);
        }
        if (publisher != null) {
            Integer receiveMaximum = connAck.properties().receiveMaximum();
            publisher.attach(ctx, receiveMaximum == null ? 65_535 : receiveMaximum);
        }
        if (subscriptions.isEmpty()) {
            settle(true, null);
        } else {
            write(new SubscribePacket(1, subscriptions, MqttProperties.NONE));
            ctx.flush();
        }
    }

    private void onSubAck(SubAckPacket subAck) {
        for (int code : subAck.reasonCodes()) {
            if (code >= 0x80) {
                fail("SUBACK refused with 0x" + Integer.toHexString(code));
                return;
            }
        }
        stats.subscribed.increment();
        settle(true, null);
    }

    private void onPublish(int flags, ByteBuf in, int body, int length) {
        int qos = (flags >> 1) & 3;
        int end = body + length;
        int pos = body + 2 + in.getUnsignedShort(body);
        int packetId = 0;
        if (qos > 0) {
            packetId = in.getUnsignedShort(pos);
            pos += 2;
        }
        if (profile.version().isV5()) {
            int propertiesLength = 0;
            int shift = 0;
            int b;
            do {
                b = in.getUnsignedByte(pos++);
                propertiesLength |= (b & 0x7F) << shift;
                shift += 7;
            } while ((b & 0x80) != 0);
            pos += propertiesLength;
        }
        stats.received.increment();
        if (tracker != null && Probe.present(in, pos, end - pos)) {
            if (tracker.record(Probe.publisher(in, pos), Probe.sequence(in, pos))) {
                stats.duplicates.increment();
            }
            long latency = Probe.nowMicros() - Probe.sentMicros(in, pos);
            stats.latency.recordValue(Math.min(Math.max(latency, 1), 60_000_000L));
        }
        if (qos == 1) {
            writeAck(0x40, packetId);
        } else if (qos == 2) {
            writeAck(0x50, packetId);
        }
    }

    private void writeAck(int firstByte, int packetId) {
        ByteBuf ack = ctx.alloc().ioBuffer(4);
        ack.writeByte(firstByte).writeByte(2).writeShort(packetId);
        ctx.write(ack, ctx.voidPromise());
        flushNeeded = true;
    }

    private void ping() {
        ByteBuf ping = ctx.alloc().ioBuffer(2);
        ping.writeByte(0xC0).writeByte(0);
        ctx.writeAndFlush(ping, ctx.voidPromise());
    }

    private void write(MqttPacket packet) {
        ctx.write(encode(packet), ctx.voidPromise());
    }

    private ByteBuf encode(MqttPacket packet) {
        return PacketEncoder.encode(packet, profile.version(), ctx.alloc());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext context) throws Exception {
        if (flushNeeded) {
            flushNeeded = false;
            context.flush();
        }
        if (publisher != null) {
            publisher.resume();
        }
        super.channelReadComplete(context);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext context) throws Exception {
        if (publisher != null && context.channel().isWritable()) {
            publisher.resume();
        }
        super.channelWritabilityChanged(context);
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) throws Exception {
        if (pinger != null) {
            pinger.cancel(false);
        }
        if (publisher != null) {
            publisher.halt();
        }
        if (connected) {
            connected = false;
            stats.connected.decrementAndGet();
        }
        if (!closing) {
            fail("connection closed by the broker");
        }
        super.channelInactive(context);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        fail(cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }

    private void fail(String why) {
        if (!settle(false, why)) {
            stats.error(clientId + ": " + why);
        }
        closing = true;
        ctx.close();
    }

    /** Reports readiness or failure once; false when already reported. */
    private boolean settle(boolean ok, String why) {
        if (settled) {
            return false;
        }
        settled = true;
        if (ok) {
            lifecycle.ready(this);
        } else {
            lifecycle.failed(this, clientId + ": " + why);
        }
        return true;
    }
}
