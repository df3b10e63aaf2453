package io.starling.broker.protocol;

import io.netty.channel.ChannelHandlerContext;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Notices a connection that read nothing for too long: first the CONNECT deadline, then the keep-alive. One
 * scheduled task per connection rather than a pipeline handler, since idle connections are most connections.
 * Used on the connection's event loop only.
 */
final class ReadTimeout {
    private final Runnable onTimeout;
    private ChannelHandlerContext ctx;
    private long limitNanos;
    private long lastReadNanos;
    private ScheduledFuture<?> task;

    ReadTimeout(Runnable onTimeout) {
        this.onTimeout = onTimeout;
    }

    /** (Re)starts the clock: {@code onTimeout} runs once nothing was read for {@code limitNanos}; 0 turns it off. */
    void start(ChannelHandlerContext context, long limit) {
        cancel();
        this.ctx = context;
        this.limitNanos = limit;
        if (limit > 0) {
            lastReadNanos = System.nanoTime();
            task = context.executor().schedule(this::check, limit, TimeUnit.NANOSECONDS);
        }
    }

    void readHappened() {
        if (task != null) {
            lastReadNanos = System.nanoTime();
        }
    }

    void cancel() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }

    private void check() {
        if (task == null) {
            return;
        }
        long idle = System.nanoTime() - lastReadNanos;
        if (idle >= limitNanos) {
            task = null;
            onTimeout.run();
        } else {
            task = ctx.executor().schedule(this::check, limitNanos - idle, TimeUnit.NANOSECONDS);
        }
    }
}
