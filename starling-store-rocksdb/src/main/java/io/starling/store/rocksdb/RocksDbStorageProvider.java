package io.starling.store.rocksdb;

import io.starling.api.store.Storage;
import io.starling.api.store.StorageOptions;
import io.starling.api.store.StorageProvider;

/** {@code storage.type = rocksdb}: the default durable storage. */
public final class RocksDbStorageProvider implements StorageProvider {

    @Override
    public String type() {
        return "rocksdb";
    }

    @Override
    public Storage open(StorageOptions options) {
        return new RocksDbStorage(options);
    }
}
