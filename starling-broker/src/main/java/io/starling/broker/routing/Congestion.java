package io.starling.broker.routing;

/** Told, by the router, of destinations that fell behind: the source of the message may slow down. */
@FunctionalInterface
public interface Congestion {
    void congested(Destination destination);
}
