package io.starling.broker.protocol;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;

/**
 * The client's address: the socket's peer, unless a trusted proxy in front of the node told another (PROXY
 * protocol header, {@code X-Forwarded-For}), which the transport then records here.
 */
public final class ClientAddress {
    private static final AttributeKey<InetSocketAddress> FORWARDED = AttributeKey.valueOf("starling.client-address");

    private ClientAddress() {
    }

    public static void set(Channel channel, InetSocketAddress address) {
        channel.attr(FORWARDED).set(address);
    }

    public static InetSocketAddress of(Channel channel) {
        // hasAttr first: attr() creates the attribute (and the channel's attribute table, 48 bytes) to read it.
        InetSocketAddress forwarded = channel.hasAttr(FORWARDED) ? channel.attr(FORWARDED).get() : null;
        return forwarded != null ? forwarded : (InetSocketAddress) channel.remoteAddress();
    }

    /** {@code host:port} for log lines. */
    public static String describe(InetSocketAddress a) {
        if (a == null) {
            return "?";
        }
        return (a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString()) + ":" + a.getPort();
    }
}
