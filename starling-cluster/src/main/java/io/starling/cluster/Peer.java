package io.starling.cluster;

import io.starling.cluster.control.ControlMessage.Hello;
import io.starling.cluster.routes.PeerRoutes;
import org.jgroups.Address;

/** Another member as this node knows it: its address, name, last introduction and rows. */
final class Peer {
    final Address address;
    final String name;
    final PeerRoutes routes;
    final long metMillis = System.currentTimeMillis();
    volatile Hello hello;
    /** Whether this node sent it its Hello and snapshots since it met it (cluster thread only). */
    boolean introduced;

    Peer(Address address, String name, PeerRoutes routes) {
        this.address = address;
        this.name = name;
        this.routes = routes;
    }
}
