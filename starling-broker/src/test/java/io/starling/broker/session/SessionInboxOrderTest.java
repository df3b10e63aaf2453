package io.starling.broker.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.starling.api.ClientInfo;
import io.starling.api.Message;
import io.starling.api.QoS;
import io.starling.broker.config.DropPolicy;
import io.starling.broker.delivery.Delivery;
import io.starling.broker.hook.Hooks;
import io.starling.broker.metrics.BrokerMetrics;
import io.starling.broker.storage.MemoryStorage;
import io.starling.broker.storage.NodeStorage;
import io.starling.codec.packet.MqttPacket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Deliveries routed on another thread wait in the session's inbox for a task on the connection's thread. When the
 * connection goes away before that task runs, a delivery routed after it must still queue behind them (a bridge
 * whose link dropped mid-stream forwarded messages out of order).
 */
class SessionInboxOrderTest {

    /** A connection whose thread is never the caller's: its tasks run when the test says. */
    private static final class Connection implements ClientConnection {
        final boolean ownThread;
        final List<Runnable> tasks = new ArrayList<>();
        final List<String> sent = new ArrayList<>();

        Connection(boolean ownThread) {
            this.ownThread = ownThread;
        }

        @Override
        public boolean inEventLoop() {
            return ownThread;
        }

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        @Override
        public boolean isWritable() {
            return true;
        }

        @Override
        public boolean sendPublish(Delivery delivery, int packetId, boolean dup) {
            sent.add(new String(delivery.message().payload(), StandardCharsets.UTF_8));
            return true;
        }

        @Override
        public void sendPubRel(int packetId) {
        }

        @Override
        public void takenOver() {
        }

        @Override
        public ClientInfo client() {
            return new ClientInfo("inbox", null, null, 0, "test");
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

    private static Delivery delivery(String payload) {
        Message m = new Message("t", payload.getBytes(StandardCharsets.UTF_8), QoS.AT_LEAST_ONCE, false, null, "p",
                System.currentTimeMillis());
        return new Delivery(m, QoS.AT_LEAST_ONCE, false, Delivery.NO_IDS, null);
    }

    @Test
    void aDeliveryRoutedAfterTheConnectionWentAwayQueuesBehindThoseStillInTheInbox() {
        Session session = new Session("inbox", new SessionSettings(10, 100, 0, false, DropPolicy.DROP_OLDEST, 10,
                false, 0), new DeliveryEvents(new Hooks(), new BrokerMetrics()), new NodeStorage(new MemoryStorage()));
        Connection first = new Connection(false);
        session.attach(first, 10);

        session.requeue(delivery("1"));
        session.requeue(delivery("2"));
        assertThat(first.tasks).as("routed on another thread: handed to the connection's").hasSize(1);
        session.detach(first);
        session.requeue(delivery("3"));
        first.tasks.forEach(Runnable::run);

        Connection second = new Connection(true);
        session.attach(second, 10);
        assertThat(second.sent).containsExactly("1", "2", "3");
    }
}
