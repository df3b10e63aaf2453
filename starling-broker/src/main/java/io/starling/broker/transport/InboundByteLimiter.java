package io.starling.broker.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.starling.broker.limit.TokenBucket;
import io.starling.broker.protocol.MqttConnection;

/**
 * One connection's inbound byte rate, counted on the wire (before TLS and WebSocket): over it, the connection
 * stops reading until the rate allows more, so a flooding client is held back by TCP rather than buffered.
 */
final class InboundByteLimiter extends ChannelInboundHandlerAdapter {
    private final TokenBucket bucket;
    private MqttConnection connection;

    InboundByteLimiter(long bytesPerSecond, long burst) {
        this.bucket = new TokenBucket(bytesPerSecond, burst > 0 ? burst : bytesPerSecond, System.nanoTime());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes) {
            long wait = bucket.take(bytes.readableBytes(), System.nanoTime());
            if (wait > 0) {
                if (connection == null) {
                    connection = ctx.pipeline().get(MqttConnection.class);
                }
                connection.throttle(wait);
            }
        }
        ctx.fireChannelRead(msg);
    }
}
