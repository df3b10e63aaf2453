package io.starling.broker.protocol;

import io.starling.broker.config.ListenerConfig;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a connection knows of the listener that accepted it, shared by all of that listener's connections: one
 * reference per connection instead of several.
 *
 * @param config    the listener's settings (its limits, its TLS identity mapping)
 * @param open      the listener's count of open connections, decremented when one closes
 * @param registry  the node's registry of open connections
 */
public record ListenerContext(ListenerConfig config, AtomicInteger open, ConnectionRegistry registry) {

    /** The listener's id, for log lines. */
    public String name() {
        return config.id();
    }
}
