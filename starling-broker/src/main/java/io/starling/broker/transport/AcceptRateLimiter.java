package io.starling.broker.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.starling.broker.limit.TokenBucket;
import java.util.concurrent.TimeUnit;

/**
 * A listener's new-connection rate: over it, the server socket stops accepting for as long as the rate needs, so
 * connection attempts wait in the kernel's backlog instead of being accepted and dropped. Shared by the server
 * sockets of one listener (one per I/O thread with SO_REUSEPORT).
 */
@ChannelHandler.Sharable
final class AcceptRateLimiter extends ChannelInboundHandlerAdapter {
    private final TokenBucket bucket;

    AcceptRateLimiter(double perSecond) {
        // A burst of one second's worth, at least one.
        this.bucket = new TokenBucket(perSecond, Math.max(1, perSecond), System.nanoTime());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object child) {
        long wait;
        synchronized (bucket) {
            wait = bucket.take(1, System.nanoTime());
        }
        if (wait > 0) {
            ctx.channel().config().setAutoRead(false);
            ctx.executor().schedule(() -> {
                ctx.channel().config().setAutoRead(true);
            }, wait, TimeUnit.NANOSECONDS);
        }
        ctx.fireChannelRead(child);
    }
}
