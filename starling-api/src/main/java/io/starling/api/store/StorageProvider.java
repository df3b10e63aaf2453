package io.starling.api.store;

/**
 * Opens a {@link Storage} of one type ({@code storage.type} in the configuration). Found with
 * {@link java.util.ServiceLoader}: a module that provides a storage lists its provider in
 * {@code META-INF/services/io.starling.api.store.StorageProvider}.
 */
public interface StorageProvider {

    /** The value of {@code storage.type} this provider serves, e.g. {@code rocksdb}. */
    String type();

    /**
     * Opens the storage, creating it when the directory is empty.
     *
     * @throws StorageException when it cannot be opened (locked by another node, not readable, corrupted); it
     *                          never replaces or wipes data it cannot read
     */
    Storage open(StorageOptions options);
}
