package io.starling.store.rocksdb;

import io.starling.api.Message;
import io.starling.api.store.Storage;
import io.starling.api.store.StorageException;
import io.starling.api.store.StorageOptions;
import io.starling.api.store.StoredDelayed;
import io.starling.api.store.StoredDelivery;
import io.starling.api.store.StoredSession;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.concurrent.Executors;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * {@link Storage} on one RocksDB database with a column family per kind of row: sessions by client id, queued
 * deliveries by client id and sequence number, inbound QoS 2 packet ids by client id and id, retained messages
 * by topic. All writes go through one {@link StoreWriter}.
 */
final class RocksDbStorage implements Storage {
    private static final Logger LOG = LoggerFactory.getLogger(RocksDbStorage.class);
    static {
        RocksDB.loadLibrary();
    }

    private static final byte[] SESSIONS = "sessions".getBytes(StandardCharsets.UTF_8);
    private static final byte[] QUEUE = "queue".getBytes(StandardCharsets.UTF_8);
    private static final byte[] INBOUND = "inbound_qos2".getBytes(StandardCharsets.UTF_8);
    private static final byte[] INFLIGHT = "inflight".getBytes(StandardCharsets.UTF_8);
    private static final byte[] QUEUE_INDEX = "queue_index".getBytes(StandardCharsets.UTF_8);
    private static final byte[] RETAINED = "retained".getBytes(StandardCharsets.UTF_8);
    private static final byte[] DELAYED = "delayed".getBytes(StandardCharsets.UTF_8);
    private static final byte[] EMPTY = new byte[0];

    private final String where;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions cfOptions;
    private final RocksDB db;
    private final List<ColumnFamilyHandle> handles;
    private final ColumnFamilyHandle sessions;
    private final ColumnFamilyHandle queue;
    private final ColumnFamilyHandle inbound;
    private final ColumnFamilyHandle retained;
    /** Packet id and QoS 2 phase of queued messages that were sent, under the same key as the queue row. */
    private final ColumnFamilyHandle inflight;
    /**
     * The keys of the queue rows with empty values: start-up reads the order of every queue from here, a few
     * bytes a message, instead of reading every message.
     */
    private final ColumnFamilyHandle queueIndex;
    /** Messages of {@code $delayed/...} publishes by id, with the time they are due. */
    private final ColumnFamilyHandle delayed;
    private final StoreWriter writer;
    /** Reads queued messages for clients that take them, off the network threads and off the writer. */
    private final ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "starling-store-reader");
        t.setDaemon(true);
        return t;
    });
    /** Reclaims the space of removed rows at {@code storage.compact_interval}. */
    private final ScheduledExecutorService compactor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "starling-store-compactor");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong removals = new AtomicLong();

    RocksDbStorage(StorageOptions options) {
        this.where = options.directory().toAbsolutePath().toString();
        this.dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
                .setParanoidChecks(true).setKeepLogFileNum(5);
        this.cfOptions = new ColumnFamilyOptions();
        List<ColumnFamilyDescriptor> descriptors = List.of(
                new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions),
                new ColumnFamilyDescriptor(SESSIONS, cfOptions),
                new ColumnFamilyDescriptor(QUEUE, cfOptions),
                new ColumnFamilyDescriptor(INBOUND, cfOptions),
                new ColumnFamilyDescriptor(RETAINED, cfOptions),
                new ColumnFamilyDescriptor(INFLIGHT, cfOptions),
                new ColumnFamilyDescriptor(QUEUE_INDEX, cfOptions),
                new ColumnFamilyDescriptor(DELAYED, cfOptions));
        this.handles = new ArrayList<>();
        try {
            this.db = RocksDB.open(dbOptions, where, descriptors, handles);
        } catch (RocksDBException e) {
            dbOptions.close();
            cfOptions.close();
            throw OpenFailure.explain(where, e);
        }
        this.sessions = handles.get(1);
        this.queue = handles.get(2);
        this.inbound = handles.get(3);
        this.retained = handles.get(4);
        this.inflight = handles.get(5);
        this.queueIndex = handles.get(6);
        this.delayed = handles.get(7);
        this.writer = new StoreWriter(db, options.sync(), options.syncInterval(), options.directory(),
                options.minFreeBytes());
        long every = options.compactInterval().toMillis();
        compactor.scheduleWithFixedDelay(this::compactIfRemoved, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public boolean durable() {
        return true;
    }

    @Override
    public void saveSession(StoredSession session) {
        writer.submit(StoreWriter.put(sessions, session.clientId().getBytes(StandardCharsets.UTF_8),
                Records.session(session)));
    }

    @Override
    public void deleteSession(String clientId) {
        removals.incrementAndGet();
        byte[] key = clientId.getBytes(StandardCharsets.UTF_8);
        byte[] prefix = Records.clientPrefix(clientId);
        byte[] end = Records.prefixEnd(prefix);
        // One change, so that one batch removes all of it: no queue outlives its session after a crash.
        writer.submit(batch -> {
            batch.delete(sessions, key);
            batch.deleteRange(queue, prefix, end);
            batch.deleteRange(inflight, prefix, end);
            batch.deleteRange(queueIndex, prefix, end);
            batch.deleteRange(inbound, prefix, end);
        });
    }

    @Override
    public void putQueued(String clientId, StoredDelivery delivery) {
        writer.submit(new StoreWriter.QueueRow(queue, queueIndex, Records.queueKey(clientId, delivery.seq()),
                Records.delivery(delivery), Records.queuedSize(delivery.message().payload().length)));
    }

    @Override
    public void markInFlight(String clientId, long seq, int packetId, boolean pubrelSent) {
        byte[] key = Records.queueKey(clientId, seq);
        writer.submit(new StoreWriter.QueueChange(key, false,
                StoreWriter.put(inflight, key, Records.inFlightMark(packetId, pubrelSent))));
    }

    @Override
    public void removeQueued(String clientId, long seq) {
        removals.incrementAndGet();
        byte[] key = Records.queueKey(clientId, seq);
        writer.submit(new StoreWriter.QueueChange(key, true, batch -> {
            batch.delete(queue, key);
            batch.delete(queueIndex, key);
            batch.delete(inflight, key);
        }));
    }

    @Override
    public void addInboundQos2(String clientId, int packetId) {
        writer.submit(StoreWriter.put(inbound, Records.inboundKey(clientId, packetId), EMPTY));
    }

    @Override
    public void removeInboundQos2(String clientId, int packetId) {
        writer.submit(StoreWriter.delete(inbound, Records.inboundKey(clientId, packetId)));
    }

    @Override
    public void putRetained(Message message) {
        writer.submit(StoreWriter.put(retained, message.topic().getBytes(StandardCharsets.UTF_8),
                Records.message(message)));
    }

    @Override
    public void removeRetained(String topic) {
        removals.incrementAndGet();
        writer.submit(StoreWriter.delete(retained, topic.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public void putDelayed(StoredDelayed d) {
        writer.submit(StoreWriter.put(delayed, Records.idKey(d.id()), Records.delayed(d)));
    }

    @Override
    public void removeDelayed(long id) {
        removals.incrementAndGet();
        writer.submit(StoreWriter.delete(delayed, Records.idKey(id)));
    }

    @Override
    public void forEachDelayed(Consumer<StoredDelayed> sink) {
        try (ReadOptions read = new ReadOptions(); RocksIterator it = db.newIterator(delayed, read)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                sink.accept(decode(it.key(), () -> Records.delayed(it.value())));
            }
            check(it);
        }
    }

    private void compactIfRemoved() {
        long removed = removals.getAndSet(0);
        if (removed > 0) {
            compact(removed);
        }
    }

    /** Compacts every column family: removed rows and their tombstones are dropped, their space reclaimed. */
    void compact(long removed) {
        long before = sstBytes();
        long started = System.nanoTime();
        List<ColumnFamilyHandle> families = List.of(queue, queueIndex, inflight, retained, sessions, inbound, delayed);
        try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            db.flush(flush, families);
            for (ColumnFamilyHandle cf : families) {
                db.compactRange(cf);
            }
            LOG.info("storage in {}: compacted after {} removals in {} ms, {} MB -> {} MB", where, removed,
                    (System.nanoTime() - started) / 1_000_000, before >> 20, sstBytes() >> 20);
        } catch (RocksDBException e) {
            removals.addAndGet(removed);
            LOG.warn("storage in {}: compaction failed: {}", where, e.getMessage());
        }
    }

    @Override
    public Map<String, Long> metrics() {
        Map<String, Long> m = new java.util.LinkedHashMap<>(writer.metrics());
        m.put("sst_bytes", sstBytes());
        m.put("removals_since_compaction", removals.get());
        return m;
    }

    /** The size of the storage's table files, over every column family. */
    long sstBytes() {
        long total = 0;
        try {
            for (ColumnFamilyHandle cf : handles) {
                total += Long.parseLong(db.getProperty(cf, "rocksdb.total-sst-files-size"));
            }
        } catch (RocksDBException | NumberFormatException e) {
            return -1;
        }
        return total;
    }

    @Override
    public CompletionStage<Void> barrier() {
        return writer.barrier();
    }

    @Override
    public boolean writable() {
        return writer.writable();
    }

    @Override
    public CompletionStage<List<StoredDelivery>> readQueued(String clientId, long[] seqs) {
        List<byte[]> keys = new ArrayList<>(seqs.length);
        for (long seq : seqs) {
            keys.add(Records.queueKey(clientId, seq));
        }
        return readAfterChanges(queue, keys, (i, value) -> Records.delivery(seqs[i], value));
    }

    @Override
    public CompletionStage<List<Message>> readRetained(List<String> topics) {
        List<byte[]> keys = new ArrayList<>(topics.size());
        for (String topic : topics) {
            keys.add(topic.getBytes(StandardCharsets.UTF_8));
        }
        return readAfterChanges(retained, keys, (i, value) -> Records.message(value));
    }

    /**
     * Reads the rows of {@code keys} on the reader thread once every change made before is applied, and decodes
     * those that are there, in order; {@code decoder} gets each row's position in {@code keys}.
     */
    private <T> CompletionStage<List<T>> readAfterChanges(ColumnFamilyHandle cf, List<byte[]> keys,
            BiFunction<Integer, byte[], T> decoder) {
        return writer.barrier().thenApplyAsync(done -> {
            List<byte[]> values;
            try {
                values = db.multiGetAsList(Collections.nCopies(keys.size(), cf), keys);
            } catch (RocksDBException e) {
                throw new StorageException("storage in " + where + ": reading failed: " + e.getMessage(), e);
            }
            List<T> found = new ArrayList<>(keys.size());
            for (int i = 0; i < keys.size(); i++) {
                byte[] value = values.get(i);
                if (value != null) {
                    int position = i;
                    found.add(decode(keys.get(i), () -> decoder.apply(position, value)));
                }
            }
            return found;
        }, reader);
    }

    @Override
    public void forEachSession(Consumer<StoredSession> sink) {
        // One iterator per column family for all sessions, each moved to a session's rows with one seek: a new
        // iterator per session and family cost more than reading the rows.
        try (ReadOptions read = new ReadOptions();
                RocksIterator it = db.newIterator(sessions, read);
                RocksIterator marks = db.newIterator(inflight, read);
                RocksIterator index = db.newIterator(queueIndex, read);
                RocksIterator inboundIds = db.newIterator(inbound, read)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                StoredSession s = decode(it.key(), () -> Records.session(it.value()));
                byte[] prefix = Records.clientPrefix(s.clientId());
                List<StoredDelivery> sent = new ArrayList<>(0);
                QueuedRows queued = queueOf(index, prefix, marksOf(marks, prefix), sent);
                sink.accept(s.withState(sent, queued.seqs(), queued.sizes(), inboundOf(inboundIds, prefix)));
            }
            check(it);
            check(marks);
            check(index);
            check(inboundIds);
        }
    }

    /** The in-flight marks of one session: sequence number to packet id (negative: PUBREL sent). */
    private static Map<Long, Integer> marksOf(RocksIterator it, byte[] prefix) {
        Map<Long, Integer> marks = Map.of();
        for (it.seek(prefix); it.isValid() && startsWith(it.key(), prefix); it.next()) {
            if (marks.isEmpty()) {
                marks = new HashMap<>();
            }
            marks.put(Records.seqOf(it.key()), Records.markValue(it.value()));
        }
        return marks;
    }

    /** Sequence numbers of a session's queued messages, in order, and their payload sizes. */
    private record QueuedRows(long[] seqs, int[] sizes) {
    }

    /**
     * The session's queue, from the index (keys and payload sizes): in-flight messages read in full into
     * {@code inflight}, the others returned (their messages are read when the client takes them).
     */
    private QueuedRows queueOf(RocksIterator it, byte[] prefix, Map<Long, Integer> marks,
            List<StoredDelivery> inflight) {
        long[] seqs = new long[16];
        int[] sizes = new int[16];
        int n = 0;
        for (it.seek(prefix); it.isValid() && startsWith(it.key(), prefix); it.next()) {
            byte[] key = it.key();
            long seq = Records.seqOf(key);
            Integer mark = marks.get(seq);
            if (mark != null) {
                byte[] value = get(queue, key);
                if (value == null) {
                    continue;
                }
                StoredDelivery d = decode(key, () -> Records.delivery(seq, value));
                inflight.add(new StoredDelivery(seq, d.message(), d.qos(), d.retain(), d.subscriptionIds(),
                        Math.abs(mark), mark < 0));
            } else {
                if (n == seqs.length) {
                    seqs = Arrays.copyOf(seqs, n * 2);
                    sizes = Arrays.copyOf(sizes, n * 2);
                }
                sizes[n] = Records.queuedSizeOf(it.value());
                seqs[n++] = seq;
            }
        }
        return new QueuedRows(Arrays.copyOf(seqs, n), Arrays.copyOf(sizes, n));
    }

    private static Set<Integer> inboundOf(RocksIterator it, byte[] prefix) {
        Set<Integer> result = Set.of();
        for (it.seek(prefix); it.isValid() && startsWith(it.key(), prefix); it.next()) {
            if (it.key().length == prefix.length + 2) {
                if (result.isEmpty()) {
                    result = new HashSet<>();
                }
                result.add(Records.packetIdOf(it.key()));
            }
        }
        return result;
    }

    private byte[] get(ColumnFamilyHandle cf, byte[] key) {
        try {
            return db.get(cf, key);
        } catch (RocksDBException e) {
            throw OpenFailure.explain(where, e);
        }
    }

    @Override
    public void forEachRetained(Consumer<Message> sink) {
        try (ReadOptions read = new ReadOptions(); RocksIterator it = db.newIterator(retained, read)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                sink.accept(decode(it.key(), () -> Records.message(it.value())));
            }
            check(it);
        }
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    private <T> T decode(byte[] key, java.util.function.Supplier<T> decoder) {
        try {
            return decoder.get();
        } catch (RuntimeException e) {
            throw new StorageException("storage in " + where + " holds a record it cannot read (key "
                    + new String(key, StandardCharsets.UTF_8) + "): " + e.getMessage()
                    + "; the node does not start rather than lose it", e);
        }
    }

    private void check(RocksIterator it) {
        try {
            it.status();
        } catch (RocksDBException e) {
            throw OpenFailure.explain(where, e);
        }
    }

    @Override
    public void close() {
        compactor.shutdownNow();
        try {
            // A compaction still running when the database closes would crash the process: let it finish.
            compactor.awaitTermination(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writer.close();
        reader.shutdown();
        try {
            // A read still running on a closed database would crash the process: let it finish.
            reader.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        handles.forEach(ColumnFamilyHandle::close);
        db.close();
        dbOptions.close();
        cfOptions.close();
    }

    @Override
    public String toString() {
        return "rocksdb storage in " + where;
    }
}
