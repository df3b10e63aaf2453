package io.starling.store.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.starling.api.Message;
import io.starling.api.MessageProperties;
import io.starling.api.QoS;
import io.starling.api.store.StorageOptions;
import io.starling.api.store.StoredSession;
import io.starling.api.store.SyncPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A storage whose every write fails (it wants more free space than the disk has): the changes that wait for it
 * stay within a bound, those beyond it are refused and counted, and every barrier fails meanwhile.
 */
class FailingStorageTest {
    private static final int MB = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void changesBeyondTheBoundAreRefusedWhileTheStorageCannotWrite() {
        try (RocksDbStorage s = new RocksDbStorage(new StorageOptions(dir, SyncPolicy.ALWAYS, Duration.ofMillis(100),
                Long.MAX_VALUE, Duration.ofHours(1)))) {
            s.saveSession(new StoredSession("first", 60, 0, List.of(), null, 0));
            await().atMost(Duration.ofSeconds(10)).until(() -> !s.writable());

            // Twice the bound of retained messages, and session changes, while the disk is "full".
            long bound = StoreWriter.MAX_PENDING_BYTES;
            byte[] payload = new byte[MB];
            for (int i = 0; i < 2 * bound / MB; i++) {
                s.putRetained(new Message("r/" + i, payload, QoS.AT_MOST_ONCE, true, MessageProperties.NONE, "c", 0));
                s.saveSession(new StoredSession("s" + i, 60, 0, List.of(), null, 0));
            }
            assertThat(s.metrics().get("pending_bytes")).isBetween(bound - 2L * MB, bound + 2L * MB);
            assertThat(s.metrics().get("refused_changes")).isGreaterThan(bound / MB / 2);
            assertThat(s.writable()).isFalse();
            assertThatThrownBy(() -> s.barrier().toCompletableFuture().get(5, TimeUnit.SECONDS))
                    .hasMessageContaining("refusing new changes");
        }
    }
}
