package io.starling.broker.storage;

import io.starling.api.store.Storage;
import io.starling.api.store.StorageException;
import io.starling.api.store.StorageOptions;
import io.starling.api.store.StorageProvider;
import io.starling.api.store.SyncPolicy;
import io.starling.broker.config.StorageConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/** Opens the storage {@code storage.type} names: the memory storage, or a provider found on the class path. */
public final class StorageOpener {
    private static final Logger LOG = LoggerFactory.getLogger(StorageOpener.class);

    private StorageOpener() {
    }

    /** {@code quiet}: what was opened is logged at debug, not info (the warm-up's throwaway storage). */
    public static Storage open(StorageConfig config, Path dataDir, boolean quiet) {
        Level announce = quiet ? Level.DEBUG : Level.INFO;
        Path dir = config.directoryIn(dataDir);
        if (config.isMemory()) {
            if (holdsFiles(dir)) {
                LOG.warn("storage.type = memory, but {} holds stored state from an earlier run: it is left as it is"
                        + " and not used; sessions and retained messages will not survive a restart", dir);
            } else {
                LOG.atLevel(announce).log("storage.type = memory: sessions and retained messages will not survive a"
                        + " restart");
            }
            return new MemoryStorage();
        }
        List<String> available = new ArrayList<>(List.of(StorageConfig.MEMORY));
        for (StorageProvider provider : ServiceLoader.load(StorageProvider.class)) {
            if (provider.type().equals(config.type())) {
                try {
                    Files.createDirectories(dir);
                } catch (IOException e) {
                    throw new StorageException("cannot create storage directory " + dir + ": " + e, e);
                }
                Storage storage = provider.open(new StorageOptions(dir, config.sync(), config.syncInterval(),
                        config.minFreeBytes(), config.compactInterval()));
                LOG.atLevel(announce).log("storage: {} (sync {}{})", storage, config.sync().name().toLowerCase(Locale.ROOT),
                        config.sync() == SyncPolicy.INTERVAL
                                ? " every " + config.syncInterval().toMillis() + " ms" : "");
                return storage;
            }
            available.add(provider.type());
        }
        throw new StorageException("storage.type = " + config.type() + ", but no storage of that type is on the"
                + " class path (available: " + String.join(", ", available) + ")");
    }

    private static boolean holdsFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.findAny().isPresent();
        } catch (IOException e) {
            return false;
        }
    }
}
