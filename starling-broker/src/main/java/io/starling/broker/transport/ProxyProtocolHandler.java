package io.starling.broker.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.util.concurrent.ScheduledFuture;
import io.starling.broker.config.ListenerConfig;
import io.starling.broker.protocol.ClientAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows Netty's PROXY protocol decoder (v1 and v2): records the client's address the load balancer sends, checks
 * it against the listener's access rules, and closes a connection whose header is missing, malformed or late.
 */
final class ProxyProtocolHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyProtocolHandler.class);

    private final ListenerConfig config;
    private ScheduledFuture<?> deadline;

    ProxyProtocolHandler(ListenerConfig config) {
        this.config = config;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        deadline = ctx.executor().schedule(() -> {
            LOG.info("listener {} {}: no PROXY protocol header in {} ms; closing connection", config.id(),
                    ClientAddress.describe(ClientAddress.of(ctx.channel())), config.proxyProtocolTimeout().toMillis());
            ctx.close();
        }, config.proxyProtocolTimeout().toNanos(), TimeUnit.NANOSECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HAProxyMessage header)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            deadline.cancel(false);
            if (header.command() == HAProxyCommand.PROXY && header.sourceAddress() != null) {
                ClientAddress.set(ctx.channel(), new InetSocketAddress(header.sourceAddress(), header.sourcePort()));
            }
        } finally {
            header.release();
        }
        InetSocketAddress client = ClientAddress.of(ctx.channel());
        if (!config.access().allows(client)) {
            LOG.info("listener {} {}: connection refused by the access rules {}", config.id(),
                    ClientAddress.describe(client), config.access());
            ctx.close();
            return;
        }
        ctx.pipeline().remove(this);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof DecoderException) {
            LOG.info("listener {} {}: bad PROXY protocol header ({}); closing connection", config.id(),
                    ClientAddress.describe(ClientAddress.of(ctx.channel())), cause.getMessage());
            ctx.close();
            return;
        }
        ctx.fireExceptionCaught(cause);
    }
}
