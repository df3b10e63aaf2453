package io.starling.it.storage;

/** {@link LargeRetainedSets} on the RocksDB storage: the payloads are on disk, read back a chunk at a time. */
class LargeRetainedSetOnDiskTest extends LargeRetainedSets {
    @Override
    String storageType() {
        return "rocksdb";
    }
}
