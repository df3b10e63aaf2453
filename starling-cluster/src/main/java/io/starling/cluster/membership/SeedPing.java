package io.starling.cluster.membership;

import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.TCPPING;

/**
 * TCPPING that lets the node's own port come from the OS: the node finds the cluster through its seeds, and the
 * others learn its address when it contacts them (TCPPING keeps the members it hears from). Its headers are
 * TCPPING's.
 */
public final class SeedPing extends TCPPING {

    public SeedPing() {
        setId(ClassConfigurator.getProtocolId(TCPPING.class));
    }

    @Override
    public boolean isDynamic() {
        return true;
    }
}
