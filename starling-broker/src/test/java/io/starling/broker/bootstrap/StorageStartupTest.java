package io.starling.broker.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.starling.api.store.StorageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A storage the node cannot open stops start-up with a message that says why, and is left as it was. */
class StorageStartupTest {

    @TempDir
    Path dataDir;

    private Starling start(Path dir) {
        return Starling.builder().host("127.0.0.1").port(0).dataDir(dir).storageType("rocksdb").start();
    }

    @Test
    void theDefaultStorageIsRocksDbUnderTheDataDirectory() {
        try (Starling node = Starling.builder().host("127.0.0.1").port(0).dataDir(dataDir).start()) {
            assertThat(node.config().storage().type()).isEqualTo("rocksdb");
            assertThat(dataDir.resolve("store").resolve("CURRENT")).exists();
        }
    }

    @Test
    void aStorageHeldByAnotherNodeIsRefused() {
        try (Starling first = start(dataDir)) {
            assertThatThrownBy(() -> start(dataDir))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("storage directory " + dataDir.resolve("store").toAbsolutePath())
                    .hasMessageContaining("is in use by another process")
                    .hasMessageContaining("is another Starling node running on it?");
        }
    }

    @Test
    void aCorruptedStorageIsRefusedAndLeftAsItWas() throws IOException {
        start(dataDir).close();
        Path store = dataDir.resolve("store");
        Path manifest;
        try (Stream<Path> files = Files.list(store)) {
            manifest = files.filter(f -> f.getFileName().toString().startsWith("MANIFEST-")).findFirst().orElseThrow();
        }
        Files.writeString(manifest, "this is not a manifest", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> start(dataDir))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("storage in " + store.toAbsolutePath() + " is corrupted")
                .hasMessageContaining("the node does not start rather than lose or replace it");
        assertThat(manifest).hasContent("this is not a manifest");
    }

    @Test
    void aStoragePathThatIsAFileIsRefused() throws IOException {
        Files.writeString(dataDir.resolve("store"), "not a directory");
        assertThatThrownBy(() -> start(dataDir))
                .isInstanceOf(StorageException.class)
                .hasMessageStartingWith("cannot create storage directory " + dataDir.resolve("store"));
        assertThat(dataDir.resolve("store")).hasContent("not a directory");
    }

    @Test
    void anUnknownStorageTypeNamesTheTypesThereAre() {
        assertThatThrownBy(() -> Starling.builder().host("127.0.0.1").port(0).dataDir(dataDir).storageType("cassandra")
                .start())
                .isInstanceOf(StorageException.class)
                .hasMessage("storage.type = cassandra, but no storage of that type is on the class path"
                        + " (available: memory, rocksdb)");
    }

    @Test
    void theMemoryStorageLeavesStoredStateAlone() throws IOException {
        start(dataDir).close();
        long before;
        try (Stream<Path> files = Files.list(dataDir.resolve("store"))) {
            before = files.count();
        }
        Starling.builder().host("127.0.0.1").port(0).dataDir(dataDir).storageType("memory").start().close();
        try (Stream<Path> files = Files.list(dataDir.resolve("store"))) {
            assertThat(files.count()).isEqualTo(before);
        }
    }
}
