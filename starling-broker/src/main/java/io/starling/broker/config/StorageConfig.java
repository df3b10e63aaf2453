package io.starling.broker.config;

import io.starling.api.store.SyncPolicy;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where and how the node keeps its durable state.
 *
 * @param type         {@code rocksdb} (the default) or {@code memory}, or another provider's type
 * @param directory    the storage's directory; null means {@code <data_dir>/store}
 * @param syncInterval for {@link SyncPolicy#INTERVAL}: how often the log is synced to the disk
 * @param minFreeBytes  below this much free space on its disk the storage stops writing and the node refuses
 *                      what needs storing
 * @param compactInterval how often the storage compacts away what was removed, when anything was
 */
public record StorageConfig(String type, Path directory, SyncPolicy sync, Duration syncInterval, long minFreeBytes,
        Duration compactInterval) {

    public static final String MEMORY = "memory";

    public boolean isMemory() {
        return MEMORY.equals(type);
    }

    /** The directory, resolved against the node's data directory when none was set. */
    public Path directoryIn(Path dataDir) {
        return directory == null ? dataDir.resolve("store") : directory;
    }

    public StorageConfig withType(String newType) {
        return new StorageConfig(newType, directory, sync, syncInterval, minFreeBytes, compactInterval);
    }
}
