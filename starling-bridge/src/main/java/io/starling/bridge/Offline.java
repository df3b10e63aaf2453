package io.starling.bridge;

import io.starling.api.ClientInfo;
import io.starling.broker.delivery.Delivery;
import io.starling.broker.session.ClientConnection;
import io.starling.codec.packet.MqttPacket;

/**
 * The owner the bridge's session has while the bridge sets its subscriptions as it starts: never attached, so the
 * session sends it nothing; released at once, leaving the session offline, queuing.
 */
record Offline(ClientInfo client) implements ClientConnection {

    @Override
    public boolean inEventLoop() {
        return false;
    }

    @Override
    public void execute(Runnable task) {
        task.run();
    }

    @Override
    public boolean isWritable() {
        return false;
    }

    @Override
    public boolean sendPublish(Delivery delivery, int packetId, boolean dup) {
        return false;
    }

    @Override
    public void sendPubRel(int packetId) {
    }

    @Override
    public void takenOver() {
    }

    @Override
    public long connectedAtMillis() {
        return 0;
    }

    @Override
    public void kick() {
    }

    @Override
    public void onBehalf(MqttPacket packet) {
    }
}
