package io.starling.store.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.starling.api.Message;
import io.starling.api.MessageProperties;
import io.starling.api.QoS;
import io.starling.api.UserProperty;
import io.starling.api.store.StorageOptions;
import io.starling.api.store.StoredDelivery;
import io.starling.api.store.StoredSession;
import io.starling.api.store.StoredSubscription;
import io.starling.api.store.SyncPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The RocksDB storage on a real database: what is written comes back after a reopen, and removed rows give back their space. */
class RocksDbStorageTest {

    @TempDir
    Path dir;

    private RocksDbStorage open(Duration compactInterval) {
        return new RocksDbStorage(new StorageOptions(dir, SyncPolicy.ALWAYS, Duration.ofMillis(100), 0, compactInterval));
    }

    private static Message message(String topic, byte[] payload) {
        MessageProperties props = new MessageProperties(1, 3600L, "text/plain", "reply/to",
                new byte[] {1, 2, 3}, List.of(new UserProperty("k", "v")));
        return new Message(topic, payload, QoS.EXACTLY_ONCE, false, props, "publisher", 1_700_000_000_000L);
    }

    @Test
    void sessionsQueuesMarksInboundIdsAndRetainedComeBackAfterAReopen() {
        Message will = message("will/topic", "bye".getBytes(StandardCharsets.UTF_8));
        Message queued = message("a/b", "payload".getBytes(StandardCharsets.UTF_8));
        try (RocksDbStorage s = open(Duration.ofHours(1))) {
            s.saveSession(new StoredSession("client-é", 600, 1234, List.of(
                    new StoredSubscription("a/#", 2, true, true, 1, 7),
                    new StoredSubscription("$share/g/x", 1, false, false, 0, 0)), will, 30));
            s.putQueued("client-é", new StoredDelivery(1, queued, QoS.AT_LEAST_ONCE, true, new int[] {7, 9}, 0, false));
            s.putQueued("client-é", new StoredDelivery(2, queued, QoS.EXACTLY_ONCE, false, new int[0], 0, false));
            s.putQueued("client-é", new StoredDelivery(3, queued, QoS.EXACTLY_ONCE, false, new int[0], 0, false));
            s.markInFlight("client-é", 1, 11, false);
            s.markInFlight("client-é", 2, 12, false);
            s.markInFlight("client-é", 2, 12, true);
            s.addInboundQos2("client-é", 42);
            s.addInboundQos2("client-é", 43);
            s.removeInboundQos2("client-é", 43);
            // A session whose id is a prefix of the other's: their rows must not mix.
            s.saveSession(new StoredSession("client", 0, 0, List.of(), null, 0));
            s.putQueued("client", new StoredDelivery(5, queued, QoS.AT_LEAST_ONCE, false, new int[0], 0, false));
            s.putRetained(message("r/1", "one".getBytes(StandardCharsets.UTF_8)));
            s.putRetained(message("r/2", "two".getBytes(StandardCharsets.UTF_8)));
            s.removeRetained("r/2");
            s.barrier().toCompletableFuture().join();
        }
        try (RocksDbStorage s = open(Duration.ofHours(1))) {
            List<StoredSession> sessions = new ArrayList<>();
            s.forEachSession(sessions::add);
            assertThat(sessions).hasSize(2);
            StoredSession e = sessions.stream().filter(x -> x.clientId().equals("client-é")).findFirst().orElseThrow();
            assertThat(e.expiryIntervalSeconds()).isEqualTo(600);
            assertThat(e.disconnectedAtMillis()).isEqualTo(1234);
            assertThat(e.subscriptions()).containsExactly(new StoredSubscription("a/#", 2, true, true, 1, 7),
                    new StoredSubscription("$share/g/x", 1, false, false, 0, 0));
            assertThat(e.will()).usingRecursiveComparison().isEqualTo(will);
            assertThat(e.willDelaySeconds()).isEqualTo(30);
            assertThat(e.inflight()).hasSize(2);
            assertThat(e.inflight().get(0).packetId()).isEqualTo(11);
            assertThat(e.inflight().get(0).pubrelSent()).isFalse();
            assertThat(e.inflight().get(0).subscriptionIds()).containsExactly(7, 9);
            assertThat(e.inflight().get(0).retain()).isTrue();
            assertThat(e.inflight().get(0).message()).usingRecursiveComparison().isEqualTo(queued);
            assertThat(e.inflight().get(1).packetId()).isEqualTo(12);
            assertThat(e.inflight().get(1).pubrelSent()).isTrue();
            assertThat(e.queuedSeqs()).containsExactly(3);
            assertThat(e.inboundQos2()).containsExactly(42);
            StoredSession other = sessions.stream().filter(x -> x.clientId().equals("client")).findFirst().orElseThrow();
            assertThat(other.queuedSeqs()).containsExactly(5);
            assertThat(other.inflight()).isEmpty();

            List<StoredDelivery> read = s.readQueued("client-é", new long[] {3, 4, 1}).toCompletableFuture().join();
            assertThat(read).extracting(StoredDelivery::seq).containsExactly(3L, 1L);
            List<Message> retained = new ArrayList<>();
            s.forEachRetained(retained::add);
            assertThat(retained).extracting(Message::topic).containsExactly("r/1");
            assertThat(s.readRetained(List.of("r/2", "r/1")).toCompletableFuture().join())
                    .extracting(Message::topic).containsExactly("r/1");

            s.deleteSession("client-é");
            s.barrier().toCompletableFuture().join();
            List<StoredSession> left = new ArrayList<>();
            s.forEachSession(left::add);
            assertThat(left).extracting(StoredSession::clientId).containsExactly("client");
            assertThat(left.get(0).queuedSeqs()).containsExactly(5);
        }
    }

    @Test
    void removedRowsGiveTheirSpaceBackAtTheNextCompaction() {
        java.util.Random random = new java.util.Random(1);
        try (RocksDbStorage s = open(Duration.ofMillis(200))) {
            for (int i = 0; i < 5000; i++) {
                byte[] payload = new byte[2048]; // random: RocksDB compresses, zeros would take no room
                random.nextBytes(payload);
                s.putRetained(message("big/" + i, payload));
            }
            s.barrier().toCompletableFuture().join();
            s.compact(0); // the rows into table files, as the node's own compactions would put them
            long full = s.sstBytes();
            assertThat(full).isGreaterThan(5_000_000L);
            for (int i = 0; i < 5000; i++) {
                s.removeRetained("big/" + i);
            }
            s.barrier().toCompletableFuture().join();
            await().atMost(Duration.ofSeconds(20)).until(() -> s.sstBytes() < full / 20);
        }
    }
}
