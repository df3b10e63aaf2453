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

    /** Who is connected, as CONNECT said (after authentication). */
    io.starling.api.ClientInfo client();

    /** When CONNACK accepted the client, wall clock. */
    long connectedAtMillis();

    /** An administrator closes the connection (MQTT 5: DISCONNECT 0x98 Administrative action). */
    void kick();

    /**
     * Handles a SUBSCRIBE or UNSUBSCRIBE the node makes for the client (packet id 0: no acknowledgement goes to
     * the client), through the same checks as its own, before its next packet.
     */
    void onBehalf(io.starling.codec.packet.MqttPacket packet);

    /** The protocol the client speaks, as listings show it: MQTT, or STOMP for the STOMP gateway's clients. */
    default String protocolName() {
        return "MQTT";
    }
}
