package io.starling.broker.protocol;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a connection knows of the listener that accepted it, shared by all of that listener's connections: one
 * reference per connection instead of several.
 *
 * @param name             the listener's name, for log lines
 * @param open             the listener's count of open connections, decremented when one closes
 * @param registry         the node's registry of open connections
 */
public record ListenerContext(String name, AtomicInteger open, ConnectionRegistry registry) {
}
