package io.starling.api.store;

/** When a durable storage syncs its changes to the disk, and so what a crash can take. */
public enum SyncPolicy {
    /**
     * Every change is synced to the disk before its barrier completes (changes made together share one sync).
     * Nothing acknowledged is lost, even when the machine loses power.
     */
    ALWAYS,
    /**
     * Changes are written to the operating system before their barrier completes, and synced to the disk at an
     * interval. A killed or crashed node loses nothing; a machine that loses power or crashes may lose the
     * changes of the last interval.
     */
    INTERVAL
}
