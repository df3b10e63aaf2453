package io.starling.broker.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.starling.broker.config.ListenerConfig;
import io.starling.broker.protocol.ClientAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows Netty's PROXY protocol decoder (v1 and v2) on a connection from a trusted proxy (the listener checked the
 * peer): records the client's address the load balancer sends, checks it against the listener's access rules, and
 * closes a connection whose header is missing, malformed or late.
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
        InetSocketAddress client = null;
        try {
            deadline.cancel(false);
            if (header.command() == HAProxyCommand.PROXY && header.sourceAddress() != null) {
                client = address(header.sourceAddress(), header.sourcePort());
            }
        } finally {
            header.release();
        }
        // A LOCAL header (the proxy's own health check) leaves the peer, which the listener checked.
        if (client != null && !config.access().allows(client)) {
            LOG.info("listener {} {}: connection refused by the access rules {}", config.id(),
                    ClientAddress.describe(client), config.access());
            ctx.close();
            return;
        }
        if (client != null && !client.isUnresolved()) {
            ClientAddress.set(ctx.channel(), client);
        } else if (client != null) {
            LOG.debug("listener {}: PROXY header source '{}' is not an IP address; the proxy's address stands",
                    config.id(), client.getHostString());
        }
        ctx.pipeline().remove(this);
    }

    /**
     * The header's source: an IP literal (TCP4, TCP6) or, from an AF_UNIX proxy, a socket path, kept unresolved. On
     * the event loop: never a name lookup, which {@code new InetSocketAddress(String, int)} would make.
     */
    private static InetSocketAddress address(String source, int port) {
        InetAddress ip = NetUtil.createInetAddressFromIpAddressString(source);
        return ip != null ? new InetSocketAddress(ip, port) : InetSocketAddress.createUnresolved(source, port);
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
