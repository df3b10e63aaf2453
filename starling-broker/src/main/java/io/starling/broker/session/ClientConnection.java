package io.starling.broker.session;

import io.starling.broker.delivery.Delivery;

/** What a session needs of the network connection it is attached to. Calls may come from any thread. */
public interface ClientConnection {

    /** True on the connection's own network thread, where writes go out in the order they are made. */
    boolean inEventLoop();

    /** Runs the task on the connection's network thread. */
    void execute(Runnable task);

    /** False while the socket's outbound buffer is above its high-water mark: queue instead of writing. */
    boolean isWritable();

    /** Sends a PUBLISH; false, with nothing sent, when it exceeds the client's maximum packet size. */
    boolean sendPublish(Delivery delivery, int packetId, boolean dup);

    void sendPubRel(int packetId);

    /** Another connection took the session over: close this one (MQTT 5: DISCONNECT 0x8E). */
    void takenOver();
}
