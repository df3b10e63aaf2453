package io.starling.api.store;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How a storage is opened.
 *
 * @param directory    where it keeps its files
 * @param sync         when changes reach the disk
 * @param syncInterval for {@link SyncPolicy#INTERVAL}: how often the log is synced
 */
public record StorageOptions(Path directory, SyncPolicy sync, Duration syncInterval) {
}
