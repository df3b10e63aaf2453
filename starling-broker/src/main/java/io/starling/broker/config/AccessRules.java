package io.starling.broker.config;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A listener's address rules, as emqttd's {@code {access, [{allow, "10.0.0.0/8"}, {deny, all}]}}: each is
 * {@code allow} or {@code deny} followed by {@code all}, an address, or a CIDR block. The first rule that matches
 * decides; an address no rule matches is allowed. An address that is not an IP (a proxy's AF_UNIX socket path, a
 * forwarded value that does not parse) matches {@code deny all} (or a deny of a whole block, {@code 0.0.0.0/0},
 * {@code ::/0}) and no other rule: never an {@code allow}.
 */
public final class AccessRules {
    public static final AccessRules ALLOW_ALL = new AccessRules(List.of(), List.of(), false);

    private final List<IpSubnetFilterRule> rules;
    private final List<String> text;
    private final boolean deniesAll;

    private AccessRules(List<IpSubnetFilterRule> rules, List<String> text, boolean deniesAll) {
        this.rules = List.copyOf(rules);
        this.text = List.copyOf(text);
        this.deniesAll = deniesAll;
    }

    /** Parses rules such as {@code "allow 10.0.0.0/8"}; throws IllegalArgumentException naming the bad one. */
    public static AccessRules parse(List<String> lines) {
        List<IpSubnetFilterRule> rules = new ArrayList<>();
        boolean deniesAll = false;
        for (String line : lines) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length != 2) {
                throw new IllegalArgumentException("'" + line + "' is not '<allow|deny> <all|address|cidr>'");
            }
            IpFilterRuleType type = switch (parts[0].toLowerCase(Locale.ROOT)) {
                case "allow" -> IpFilterRuleType.ACCEPT;
                case "deny" -> IpFilterRuleType.REJECT;
                default -> throw new IllegalArgumentException("'" + line + "' must start with allow or deny");
            };
            if (parts[1].equalsIgnoreCase("all")) {
                rules.add(new IpSubnetFilterRule("0.0.0.0", 0, type));
                rules.add(new IpSubnetFilterRule("::", 0, type));
                deniesAll |= type == IpFilterRuleType.REJECT;
            } else {
                rules.add(subnet(line, parts[1], type));
                // deny 0.0.0.0/0 or ::/0 is a deny all, spelled as a block: a non-IP address meets it too.
                deniesAll |= type == IpFilterRuleType.REJECT && parts[1].endsWith("/0");
            }
        }
        return rules.isEmpty() ? ALLOW_ALL : new AccessRules(rules, lines, deniesAll);
    }

    /** An address or CIDR block of a rule or a list ({@code line} is quoted in the error). */
    static IpSubnetFilterRule subnet(String line, String spec, IpFilterRuleType type) {
        int slash = spec.indexOf('/');
        String address = slash < 0 ? spec : spec.substring(0, slash);
        // A literal only: NetUtil never looks a name up, where InetAddress.getByName("cafe") would.
        InetAddress ip = NetUtil.createInetAddressFromIpAddressString(address);
        if (ip == null) {
            throw new IllegalArgumentException("'" + line + "': '" + address + "' is not an IP address");
        }
        int max = ip.getAddress().length * 8;
        int prefix;
        try {
            prefix = slash < 0 ? max : Integer.parseInt(spec.substring(slash + 1));
        } catch (NumberFormatException e) {
            prefix = -1;
        }
        if (prefix < 0 || prefix > max) {
            throw new IllegalArgumentException("'" + line + "': the prefix length must be between 0 and " + max);
        }
        return new IpSubnetFilterRule(ip, prefix, type);
    }

    /** Whether a connection from this address may proceed. */
    public boolean allows(InetSocketAddress remote) {
        if (remote == null || remote.getAddress() == null) {
            // Not an IP: no rule but "deny all" can be about it. Never looked up (a name lookup blocks).
            return !deniesAll;
        }
        for (IpSubnetFilterRule rule : rules) {
            if (rule.matches(remote)) {
                return rule.ruleType() == IpFilterRuleType.ACCEPT;
            }
        }
        return true;
    }

    public boolean allowsAll() {
        return rules.isEmpty();
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
