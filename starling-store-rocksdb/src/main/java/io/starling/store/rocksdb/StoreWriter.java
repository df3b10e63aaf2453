package io.starling.store.rocksdb;

import io.starling.api.store.StorageException;
import io.starling.api.store.SyncPolicy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that writes to RocksDB. Callers hand it changes and barriers without waiting; it applies
 * everything that is waiting as one atomic batch with one sync (group commit), then completes the barriers of that
 * batch. A batch that fails (a full disk) is retried until it succeeds, and nothing behind it is applied before,
 * so the stored state never skips a change. While it fails, what waits is bounded ({@link #MAX_PENDING_BYTES}):
 * beyond the bound, changes are refused (counted, and every barrier fails) until everything that waited is written.
 */
final class StoreWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StoreWriter.class);
    /** Changes per batch at most: bounds the batch's memory and the latency of the first barrier in it. */
    private static final int MAX_BATCH_OPS = 8192;
    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    /**
     * The changes a storage that cannot write holds on the heap at most, by {@link Change#size()}: enough for the
     * acknowledgements and session ends the node cannot refuse during a long outage, far below its heap.
     */
    static final long MAX_PENDING_BYTES = 64L << 20;
    /** What a change costs beyond its keys and values: the change itself and its place in the queue. */
    private static final int CHANGE_OVERHEAD = 64;

    /** A change, applied to a batch on the writer thread. */
    interface Change {
        void apply(WriteBatch batch) throws RocksDBException;

        /** About the heap the change holds while it waits. */
        default long size() {
            return CHANGE_OVERHEAD;
        }
    }

    static Change put(ColumnFamilyHandle cf, byte[] key, byte[] value) {
        return new Change() {
            @Override
            public void apply(WriteBatch batch) throws RocksDBException {
                batch.put(cf, key, value);
            }

            @Override
            public long size() {
                return CHANGE_OVERHEAD + key.length + value.length;
            }
        };
    }

    static Change delete(ColumnFamilyHandle cf, byte[] key) {
        return new Change() {
            @Override
            public void apply(WriteBatch batch) throws RocksDBException {
                batch.delete(cf, key);
            }

            @Override
            public long size() {
                return CHANGE_OVERHEAD + key.length;
            }
        };
    }

    /**
     * A message queued for a session: the first write of its key, so that a removal of the same key in the same
     * batch (a client that took it and acknowledged it before the batch was written) cancels both, and the marks
     * between them: nothing of it reaches the disk.
     */
    static final class QueueRow implements Change {
        final ColumnFamilyHandle cf;
        final ColumnFamilyHandle index;
        final byte[] key;
        final byte[] value;
        final byte[] indexValue;
        boolean cancelled;

        /** The row in {@code cf}, and its key in {@code index} with {@code indexValue}. */
        QueueRow(ColumnFamilyHandle cf, ColumnFamilyHandle index, byte[] key, byte[] value, byte[] indexValue) {
            this.cf = cf;
            this.index = index;
            this.key = key;
            this.value = value;
            this.indexValue = indexValue;
        }

        @Override
        public void apply(WriteBatch batch) throws RocksDBException {
            if (!cancelled) {
                batch.put(cf, key, value);
                batch.put(index, key, indexValue);
            }
        }

        @Override
        public long size() {
            return CHANGE_OVERHEAD + 2L * key.length + value.length + indexValue.length;
        }
    }

    /** A change to a queued message's rows after it was queued: its in-flight mark, or its removal. */
    static final class QueueChange implements Change {
        final byte[] key;
        final boolean removal;
        final Change change;
        QueueRow row;

        QueueChange(byte[] key, boolean removal, Change change) {
            this.key = key;
            this.removal = removal;
            this.change = change;
        }

        @Override
        public void apply(WriteBatch batch) throws RocksDBException {
            if (row == null || !row.cancelled) {
                change.apply(batch);
            }
        }

        @Override
        public long size() {
            return change.size() + key.length;
        }
    }

    private final RocksDB db;
    private final SyncPolicy sync;
    // Written by the writer thread only; read by metrics.
    private volatile long batches;
    private volatile long rowsWritten;
    private volatile long bytesWritten;
    private volatile long syncs;
    private volatile long writeFailures;
    private final long syncIntervalNanos;
    private final ConcurrentLinkedQueue<Object> pending = new ConcurrentLinkedQueue<>();
    /**
     * The sizes of the changes submitted and not yet written: those waiting and those of the batch in hand. An
     * adder: every stored change adds to it, on the network threads; it is summed only while writes fail.
     */
    private final LongAdder pendingBytes = new LongAdder();
    /** Set once the bound is reached while the storage cannot write; cleared when all that waited is written. */
    private final AtomicBoolean refusing = new AtomicBoolean();
    private final LongAdder refusedChanges = new LongAdder();
    private final Thread thread;
    private final String where;
    private final FileStore disk;
    private final long minFreeBytes;
    private final List<Change> changes = new ArrayList<>();
    private final Map<ByteBuffer, QueueRow> rowsInBatch = new HashMap<>();
    private volatile boolean parked;
    private volatile boolean running = true;
    private volatile boolean writable = true;
    private boolean unsynced;
    private long lastSyncNanos = System.nanoTime();

    StoreWriter(RocksDB db, SyncPolicy sync, Duration syncInterval, Path dir, long minFreeBytes) {
        this.db = db;
        this.sync = sync;
        this.syncIntervalNanos = syncInterval.toNanos();
        this.where = dir.toAbsolutePath().toString();
        this.minFreeBytes = minFreeBytes;
        try {
            this.disk = Files.getFileStore(dir);
        } catch (IOException e) {
            throw new StorageException("cannot find the disk of storage directory " + where + ": " + e, e);
        }
        this.thread = new Thread(this::run, "starling-store-writer");
        thread.setDaemon(true);
        thread.start();
    }

    void submit(Change change) {
        if ((!writable || refusing.get()) && refuses()) {
            refusedChanges.increment();
            return;
        }
        pendingBytes.add(change.size());
        pending.add(change);
        wake();
    }

    /**
     * Whether a change is refused now: the storage cannot write and what waits for it reached the bound. The node
     * refuses what needs storing while {@link #writable()} is false; what still comes (acknowledgements, sessions
     * that end) is refused here, and the barriers behind it fail, rather than filling the heap.
     */
    private boolean refuses() {
        if (refusing.get()) {
            return true;
        }
        if (writable) {
            return false;
        }
        long waiting = pendingBytes.sum();
        if (waiting < MAX_PENDING_BYTES) {
            return false;
        }
        if (refusing.compareAndSet(false, true)) {
            LOG.error("storage in {} cannot write and {} MB of changes wait for it: refusing new changes until it has"
                    + " written them", where, waiting >> 20);
        }
        return true;
    }

    CompletableFuture<Void> barrier() {
        if (!thread.isAlive()) {
            // Stopped (closed, or after an error it logged): nothing would ever complete the barrier.
            return CompletableFuture.failedFuture(new StorageException("storage in " + where + " is closed"));
        }
        if (refusing.get()) {
            // A change before this barrier may have been refused: it cannot say that they are stored.
            return CompletableFuture.failedFuture(new StorageException("storage in " + where + " cannot write and is"
                    + " refusing new changes until it has written the " + (pendingBytes.sum() >> 20)
                    + " MB that wait"));
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        pending.add(done);
        wake();
        return done;
    }

    /** False while writes fail, and until what waited is written once changes had to be refused. */
    boolean writable() {
        return writable && !refusing.get();
    }

    private void wake() {
        if (parked) {
            LockSupport.unpark(thread);
        }
    }

    /** Pairs a queued message's row with the later changes to it in the same batch. */
    private void cancel(Change c) {
        if (c instanceof QueueRow row) {
            rowsInBatch.put(ByteBuffer.wrap(row.key), row);
        } else if (c instanceof QueueChange change) {
            QueueRow row = change.removal ? rowsInBatch.remove(ByteBuffer.wrap(change.key))
                    : rowsInBatch.get(ByteBuffer.wrap(change.key));
            change.row = row;
            if (row != null && change.removal) {
                row.cancelled = true;
            }
        } else {
            // A range removal (a session ending) may cover rows of this batch: apply them as they are.
            rowsInBatch.clear();
        }
    }

    private void run() {
        List<CompletableFuture<Void>> barriers = new ArrayList<>();
        try (WriteOptions options = new WriteOptions().setSync(sync == SyncPolicy.ALWAYS)) {
            while (true) {
                Object first = pending.poll();
                if (first == null) {
                    if (writable && refusing.get() && refusing.compareAndSet(true, false)) {
                        LOG.warn("storage in {} has written what waited: taking changes again ({} were refused and"
                                + " are not stored)", where, refusedChanges.sum());
                    }
                    if (!running) {
                        break;
                    }
                    syncIfDue();
                    parked = true;
                    if (pending.isEmpty() && running) {
                        LockSupport.parkNanos(this, unsynced ? syncIntervalNanos : TimeUnit.SECONDS.toNanos(1));
                    }
                    parked = false;
                    continue;
                }
                long batchBytes = 0;
                try (WriteBatch batch = new WriteBatch()) {
                    for (Object o = first; o != null; o = changes.size() < MAX_BATCH_OPS ? pending.poll() : null) {
                        if (o instanceof Change c) {
                            changes.add(c);
                            batchBytes += c.size();
                            cancel(c);
                        } else {
                            @SuppressWarnings("unchecked")
                            CompletableFuture<Void> b = (CompletableFuture<Void>) o;
                            barriers.add(b);
                        }
                    }
                    for (Change c : changes) {
                        c.apply(batch);
                    }
                    if (batch.count() > 0) {
                        write(options, batch, barriers);
                    }
                    changes.clear();
                    rowsInBatch.clear();
                }
                pendingBytes.add(-batchBytes);
                barriers.forEach(b -> b.complete(null));
                barriers.clear();
                syncIfDue();
            }
            syncIfDue();
        } catch (RocksDBException | RuntimeException e) {
            LOG.error("storage writer in {} stopped: {}", where, e.toString(), e);
            writable = false;
            StorageException failure = new StorageException("storage writer stopped: " + e.getMessage(), e);
            barriers.forEach(b -> b.completeExceptionally(failure));
        }
    }

    /**
     * Writes the batch, retrying every second while it fails. Meanwhile every barrier, of this batch and behind
     * it, fails at once, so that what waits for the storage is refused rather than left hanging; the changes
     * behind the batch stay queued, in order, and are applied once it succeeds.
     */
    private void write(WriteOptions options, WriteBatch batch, List<CompletableFuture<Void>> barriers) {
        while (true) {
            try {
                checkFreeSpace();
                db.write(options, batch);
                batches++;
                rowsWritten += batch.count();
                bytesWritten += batch.getDataSize();
                if (sync == SyncPolicy.ALWAYS) {
                    syncs++;
                }
                unsynced = sync == SyncPolicy.INTERVAL;
                if (!writable) {
                    writable = true;
                    LOG.warn("storage in {} is writable again", where);
                }
                return;
            } catch (RocksDBException e) {
                writeFailures++;
                if (writable) {
                    writable = false;
                    LOG.error("storage in {} cannot write ({}); refusing what needs storing and retrying every second",
                            where, e.getMessage());
                }
                StorageException failure = new StorageException("storage cannot write: " + e.getMessage(), e);
                barriers.forEach(b -> b.completeExceptionally(failure));
                barriers.clear();
                failWaitingBarriers(failure);
                if (!running) {
                    throw new StorageException("storage in " + where + " closed while a write was failing", e);
                }
                // RocksDB resumes by itself once a retryable error (no space left) has cleared.
                LockSupport.parkNanos(this, RETRY_NANOS);
            }
        }
    }

    /**
     * Refuses to write when the disk is nearly full. RocksDB itself, once a write fails for want of space, stops
     * writing until it is reopened: the node must never let it get there.
     */
    private void checkFreeSpace() throws RocksDBException {
        long free;
        try {
            free = disk.getUsableSpace();
        } catch (IOException e) {
            return;
        }
        if (free < minFreeBytes) {
            throw new RocksDBException("only " + free + " bytes free on the disk, less than storage.min_free_space ("
                    + minFreeBytes + " bytes)");
        }
    }

    private void failWaitingBarriers(StorageException failure) {
        for (Iterator<Object> it = pending.iterator(); it.hasNext(); ) {
            if (it.next() instanceof CompletableFuture<?> b) {
                it.remove();
                b.completeExceptionally(failure);
            }
        }
    }

    /** With {@link SyncPolicy#INTERVAL}: syncs the log once the interval has passed since the last sync. */
    private void syncIfDue() {
        if (!unsynced || (running && System.nanoTime() - lastSyncNanos < syncIntervalNanos)) {
            return;
        }
        try {
            db.flushWal(true);
            syncs++;
            unsynced = false;
            lastSyncNanos = System.nanoTime();
        } catch (RocksDBException e) {
            LOG.warn("storage in {}: syncing the log failed: {}", where, e.getMessage());
        }
    }

    /** What the writer has done: batches, rows, bytes, syncs of the log, failed writes. */
    java.util.Map<String, Long> metrics() {
        java.util.Map<String, Long> m = new java.util.LinkedHashMap<>();
        m.put("batches", batches);
        m.put("rows_written", rowsWritten);
        m.put("bytes_written", bytesWritten);
        m.put("syncs", syncs);
        m.put("write_failures", writeFailures);
        m.put("refused_changes", refusedChanges.sum());
        m.put("pending_bytes", pendingBytes.sum());
        return m;
    }

    /** Applies and syncs everything submitted so far, then stops the thread. */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            thread.interrupt();
            LOG.error("storage writer in {} did not finish within 30 s", where);
        }
    }
}
