package io.starling.bridge;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * The keep-alive of a bridge's connection to its remote: a PINGREQ when the bridge wrote nothing for a keep-alive
 * period (MQTT requires one), and also when it read nothing for one, since a remote that only receives QoS 0
 * messages never answers them: the PINGRESP is what shows it is there. Nothing read for two periods, a PINGREQ
 * unanswered for one among them, closes the connection. The period is the bridge's {@code keepalive} until an
 * MQTT 5 remote's CONNACK sets another (Server Keep Alive).
 */
final class KeepAlive extends IdleStateHandler {
    static final String NAME = "keepalive";

    private final RemoteLink link;
    private final long periodNanos;
    private long pingSentNanos;

    KeepAlive(RemoteLink link, long periodMillis) {
        super(periodMillis, periodMillis, 0, TimeUnit.MILLISECONDS);
        this.link = link;
        this.periodNanos = TimeUnit.MILLISECONDS.toNanos(periodMillis);
        this.pingSentNanos = System.nanoTime() - periodNanos;
    }

    @Override
    protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent evt) {
        if (evt.state() == IdleState.READER_IDLE && !evt.isFirst()) {
            link.close("the remote was silent for two keep-alive periods (" + periodNanos / 1_000_000 + " ms each)");
            return;
        }
        // Both directions idle at once would otherwise send two.
        long now = System.nanoTime();
        if (now - pingSentNanos >= periodNanos / 2) {
            pingSentNanos = now;
            link.ping();
        }
    }
}
