package io.starling.stomp;

import io.starling.broker.config.StompConfig;
import io.starling.broker.protocol.BrokerServices;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What every STOMP connection of the node shares.
 *
 * @param services the node's router, sessions, authentication, authorization, hooks and limits
 * @param server   the {@code server} header of CONNECTED
 */
record Gateway(BrokerServices services, StompConfig config, Destinations destinations, SubscriptionBook book,
        String server, AtomicLong connections) {

    Gateway(BrokerServices services, StompConfig config, String server) {
        this(services, config, Destinations.of(config), new SubscriptionBook(), server, new AtomicLong());
    }
}
