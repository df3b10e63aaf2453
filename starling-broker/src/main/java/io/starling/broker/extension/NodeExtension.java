package io.starling.broker.extension;

import io.starling.broker.bootstrap.Starling;

/**
 * A part of the node that lives in a module of its own (the management server, later the cluster), found with
 * {@link java.util.ServiceLoader} on the node's class path and started once the listeners are up. Unlike a plugin
 * it sees the whole node; it starts and stops with it. A node started with {@code StarlingBuilder.extensions(true)}
 * (as {@code bin/starling} does) loads them; an embedded node loads none unless asked.
 */
public interface NodeExtension extends AutoCloseable {

    /** A short name for logs. */
    String name();

    /** Starts on the running node; a failure stops the node's start (throw with a message that says why). */
    void start(Starling node) throws Exception;

    /** The node stops: its listeners take no new connections; the clients it has are still connected. */
    default void stopping() {
    }

    /**
     * The node has closed its clients' connections: hand work that would otherwise wait for this node's return to
     * others (the cluster moves the persistent sessions here).
     */
    default void drain() {
    }

    /** Stops; called once every extension has drained. */
    @Override
    void close();
}
