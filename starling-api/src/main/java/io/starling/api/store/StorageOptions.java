package io.starling.api.store;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How a storage is opened.
 *
 * @param directory    where it keeps its files
 * @param sync         when changes reach the disk
 * @param syncInterval for {@link SyncPolicy#INTERVAL}: how often the log is synced
 * @param minFreeBytes  the space the storage leaves free on its disk: below it, writes wait and are refused
 * @param compactInterval how often the storage reclaims the space of what was removed, if anything was
 */
public record StorageOptions(Path directory, SyncPolicy sync, Duration syncInterval, long minFreeBytes,
        Duration compactInterval) {
}
