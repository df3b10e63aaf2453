package io.starling.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.starling.codec.packet.MqttPacket;

/**
 * Encodes outbound {@link MqttPacket}s into one exactly-sized buffer each. The version is read from
 * {@link #versionHolder} so that one encoder serves a connection before and after CONNECT told its version.
 */
@Sharable
public final class MqttEncoder extends ChannelOutboundHandlerAdapter {

    /** Where the encoder finds the version for a channel. */
    @FunctionalInterface
    public interface VersionSource {
        MqttVersion version(ChannelHandlerContext ctx);
    }

    private final VersionSource versionHolder;

    public MqttEncoder(VersionSource versionHolder) {
        this.versionHolder = versionHolder;
    }

    /** An encoder that always speaks {@code version}. */
    public static MqttEncoder fixed(MqttVersion version) {
        return new MqttEncoder(ctx -> version);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof MqttPacket packet)) {
            ctx.write(msg, promise);
            return;
        }
        MqttVersion version = versionHolder.version(ctx);
        if (version == null) {
            version = MqttVersion.MQTT_3_1_1;
        }
        ByteBuf buf;
        try {
            buf = PacketEncoder.encode(packet, version, ctx.alloc());
        } catch (RuntimeException e) {
            promise.setFailure(e);
            return;
        }
        ctx.write(buf, promise);
    }
}
