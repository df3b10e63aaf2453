package io.starling.store.rocksdb;

import io.starling.api.store.StorageException;
import java.util.Locale;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;

/** Turns RocksDB's errors on open into messages that say what is wrong with the directory and what to do. */
final class OpenFailure {
    private OpenFailure() {
    }

    static StorageException explain(String where, RocksDBException e) {
        String detail = e.getMessage() == null ? String.valueOf(e.getStatus()) : e.getMessage();
        String lower = detail.toLowerCase(Locale.ROOT);
        Status.Code code = e.getStatus() == null ? null : e.getStatus().getCode();
        String message;
        if (lower.contains("lock")) {
            message = "storage directory " + where + " is in use by another process (its LOCK file is held):"
                    + " is another Starling node running on it? (" + detail + ")";
        } else if (lower.contains("permission denied")) {
            message = "cannot open storage directory " + where + ": permission denied (" + detail + ")";
        } else if (code == Status.Code.Corruption || lower.contains("corrupt")) {
            message = "storage in " + where + " is corrupted (" + detail + "); the node does not start rather than"
                    + " lose or replace it: restore a backup, or move the directory away to start empty";
        } else if (lower.contains("no space")) {
            message = "cannot open storage directory " + where + ": the disk is full (" + detail + ")";
        } else {
            message = "cannot open storage directory " + where + ": " + detail;
        }
        return new StorageException(message, e);
    }
}
