package io.starling.cluster.membership;

import io.starling.broker.config.ClusterConfig;
import io.starling.cluster.control.ControlCodec;
import io.starling.cluster.control.ControlMessage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.jgroups.protocols.AUTH;
import org.jgroups.protocols.BARRIER;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.FD_SOCK2;
import org.jgroups.protocols.FRAG4;
import org.jgroups.protocols.MERGE3;
import org.jgroups.protocols.MFC;
import org.jgroups.protocols.TCP;
import org.jgroups.protocols.UFC;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.protocols.dns.DNS_PING;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.stack.Protocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Membership, failure detection and control traffic on JGroups: a TCP stack (no multicast needed) with discovery by
 * static seeds, DNS or by hand, FD_SOCK2 for crashes and FD_ALL3 for hangs, MERGE3 to heal splits, AUTH with the
 * cookie. Messages and views are handed to the callbacks on JGroups' threads, in order per sender.
 */
public final class ClusterChannel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterChannel.class);
    /** FD_ALL3 suspects a node that sent nothing for this long: a hung or cut-off node. */
    private static final long HANG_TIMEOUT_MILLIS = 8_000;

    private final JChannel channel;
    private final ClusterConfig config;
    private final SeedPing seeds;

    public ClusterChannel(ClusterConfig config, String nodeName, ClusterTls tls,
            BiConsumer<Address, ControlMessage> messages, Consumer<View> views) throws Exception {
        this.config = config;
        TCP tcp = new TCP();
        if (tls != null) {
            tcp.tls().enabled(true).setSSLContext(tls.jdk()).setClientAuth(org.jgroups.util.TLSClientAuth.NEED);
        }
        InetAddress bindAddress = InetAddress.getByName(config.bindHost());
        tcp.setBindAddress(bindAddress);
        tcp.setBindPort(config.bindPort());
        tcp.setPortRange(0);
        // JGroups leaves Nagle on (its bundler batches); a call's answer of more than a segment (a session handed
        // over) then waits for the peer's delayed ACK, some 40 ms.
        tcp.tcpNodelay(true);
        Protocol discovery;
        if (config.discovery() == ClusterConfig.Discovery.DNS) {
            discovery = new DNS_PING().setDNSQuery(config.dnsName());
            seeds = null;
        } else {
            seeds = new SeedPing();
            seeds.setPortRange(0);
            // Every member's address from whichever member answers: ports from the OS are known to no seed list.
            seeds.returnEntireCache(true);
            seeds.setInitialHosts(config.discovery() == ClusterConfig.Discovery.STATIC ? addresses(config.seeds())
                    : List.of());
            discovery = seeds;
        }
        MERGE3 merge = new MERGE3().setMinInterval(5_000).setMaxInterval(15_000);
        FD_ALL3 hangs = new FD_ALL3().setTimeout(HANG_TIMEOUT_MILLIS).setInterval(2_000);
        AUTH auth = new AUTH().setAuthToken(new CookieToken(config.cookie(), config.name()));
        GMS gms = new GMS().printLocalAddress(false).setJoinTimeout(2_000);
        this.channel = new JChannel(tcp, discovery, merge,
                // On cluster.bind's host: left unset, FD_SOCK2 listens on every interface of the machine.
                new FD_SOCK2().setBindAddress(bindAddress), hangs,
                new VERIFY_SUSPECT2().setTimeout(1_500), new BARRIER(), new NAKACK2(), new UNICAST3(), new STABLE(),
                auth, gms, new UFC(), new MFC(), new FRAG4());
        channel.name(nodeName);
        channel.setReceiver(new Receiver() {
            @Override
            public void receive(Message msg) {
                Address from = msg.getSrc();
                try {
                    ControlMessage m = ControlCodec.decode(msg.getArray(), msg.getOffset(), msg.getLength());
                    if (m == null) {
                        LOG.debug("ignored a control message from {} of a version or type this node does not speak",
                                from);
                        return;
                    }
                    messages.accept(from, m);
                } catch (IOException e) {
                    LOG.warn("ignored a control message from {}: {}", from, e.getMessage());
                } catch (RuntimeException e) {
                    LOG.warn("a control message from {} failed", from, e);
                }
            }

            @Override
            public void viewAccepted(View view) {
                views.accept(view);
            }
        });
    }

    private static List<InetSocketAddress> addresses(List<String> hostPorts) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String s : hostPorts) {
            int colon = s.lastIndexOf(':');
            String host = s.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            out.add(new InetSocketAddress(host, Integer.parseInt(s.substring(colon + 1))));
        }
        return out;
    }

    /** Joins the cluster (or founds it when no seed answers). */
    public void connect() throws Exception {
        try {
            channel.connect(config.name());
        } catch (SecurityException e) {
            throw new IllegalStateException("cluster " + config.name() + " refused this node: its cluster.cookie is"
                    + " not the cluster's (" + e.getMessage() + ")", e);
        }
    }

    /** Leaves the cluster and joins it again through {@code hostPort} as well as the configured seeds. */
    public void rejoin(String hostPort) throws Exception {
        if (seeds == null) {
            throw new IllegalStateException("cluster.discovery = dns: nodes are found by DNS, not joined by hand");
        }
        List<String> hosts = new ArrayList<>(config.seeds());
        hosts.add(hostPort);
        seeds.setInitialHosts(addresses(hosts));
        channel.disconnect();
        channel.connect(config.name());
    }

    /** Leaves the cluster and stays alone until {@link #rejoin} or a restart. */
    public void leave() {
        channel.disconnect();
    }

    public boolean connected() {
        return channel.isConnected();
    }

    public Address self() {
        return channel.getAddress();
    }

    public View view() {
        return channel.getView();
    }

    /** The node name of a member, as it joined. */
    public String nameOf(Address member) {
        String name = org.jgroups.util.NameCache.get(member);
        return name != null ? name : String.valueOf(member);
    }

    /** The address and port the control channel is bound to (the port the OS chose when configured 0). */
    public InetSocketAddress boundAddress() {
        Object physical = channel.down(new org.jgroups.Event(org.jgroups.Event.GET_PHYSICAL_ADDRESS,
                channel.getAddress()));
        if (physical instanceof org.jgroups.stack.IpAddress ip) {
            return new InetSocketAddress(ip.getIpAddress(), ip.getPort());
        }
        return new InetSocketAddress(config.bindHost(), config.bindPort());
    }

    /** Sends to one member, or to all (this node too) when {@code to} is null. */
    public void send(Address to, ControlMessage message) {
        try {
            Message m = new BytesMessage(to, ControlCodec.encode(message));
            if (to == null) {
                m.setFlag(Message.TransientFlag.DONT_LOOPBACK);
            }
            channel.send(m);
        } catch (Exception e) {
            if (channel.isConnected()) {
                LOG.warn("could not send a {} to {}: {}", message.getClass().getSimpleName(),
                        to == null ? "the cluster" : nameOf(to), e.toString());
            }
        }
    }

    @Override
    public void close() {
        channel.close();
    }
}
