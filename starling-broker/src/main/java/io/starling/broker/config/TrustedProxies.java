package io.starling.broker.config;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The addresses (or CIDR blocks) of the proxies a listener believes about the client's address: a PROXY protocol
 * header or a forwarded-for header from anyone else is not taken. Loopback by default, as a proxy on the same host.
 */
public final class TrustedProxies {
    public static final TrustedProxies LOOPBACK = parse(List.of("127.0.0.0/8", "::1"));

    private final List<IpSubnetFilterRule> ranges;
    private final List<String> text;

    private TrustedProxies(List<IpSubnetFilterRule> ranges, List<String> text) {
        this.ranges = List.copyOf(ranges);
        this.text = List.copyOf(text);
    }

    /** Parses addresses and CIDR blocks; throws IllegalArgumentException naming the bad one. */
    public static TrustedProxies parse(List<String> specs) {
        List<IpSubnetFilterRule> ranges = new ArrayList<>();
        for (String spec : specs) {
            ranges.add(AccessRules.subnet(spec, spec.trim(), IpFilterRuleType.ACCEPT));
        }
        return new TrustedProxies(ranges, specs);
    }

    /** Whether the peer at this address is a trusted proxy; an address that is not an IP never is. */
    public boolean trusts(InetSocketAddress peer) {
        if (peer == null || peer.getAddress() == null) {
            return false;
        }
        for (IpSubnetFilterRule range : ranges) {
            if (range.matches(peer)) {
                return true;
            }
        }
        return false;
    }

    public boolean trusts(InetAddress ip) {
        return trusts(new InetSocketAddress(ip, 0));
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
