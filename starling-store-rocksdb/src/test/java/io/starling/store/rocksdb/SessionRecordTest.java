package io.starling.store.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.starling.api.store.StoredSession;
import io.starling.api.store.StoredSubscription;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A session's owner is stored with it, and a record written before owners were still reads, without one. */
class SessionRecordTest {

    private static StoredSession session(StoredSession.Owner owner) {
        return new StoredSession("device-7", 3600, 1234, List.of(new StoredSubscription("users/alice/#", 1, false,
                false, 0, 0)), null, 0, owner);
    }

    @Test
    void theOwnerComesBack() {
        StoredSession alice = session(new StoredSession.Owner("alice", false));
        assertThat(Records.session(Records.session(alice)).owner()).isEqualTo(alice.owner());
        StoredSession root = session(new StoredSession.Owner(null, true));
        assertThat(Records.session(Records.session(root)).owner()).isEqualTo(root.owner());
    }

    @Test
    void aRecordOfAnEarlierReleaseHasNoOwner() {
        byte[] now = Records.session(session(null));
        // An earlier release wrote the same record without the last byte (no owner block at all).
        StoredSession read = Records.session(Arrays.copyOf(now, now.length - 1));
        assertThat(read.owner()).isNull();
        assertThat(read.clientId()).isEqualTo("device-7");
        assertThat(read.subscriptions()).hasSize(1);
    }
}
