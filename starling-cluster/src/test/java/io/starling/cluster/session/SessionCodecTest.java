package io.starling.cluster.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.starling.api.Message;
import io.starling.api.MessageProperties;
import io.starling.api.QoS;
import io.starling.api.UserProperty;
import io.starling.api.store.StoredDelivery;
import io.starling.api.store.StoredSession;
import io.starling.api.store.StoredSubscription;
import io.starling.broker.session.SessionExport;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The bodies of the directory's calls read back as written. */
class SessionCodecTest {

    @Test
    void aSessionHandedOverReadsBackWithEverything() {
        Message m = new Message("t/1", "p".getBytes(StandardCharsets.UTF_8), QoS.EXACTLY_ONCE, false,
                new MessageProperties(1, 60L, "text/plain", "reply/1", new byte[] {9},
                        List.of(new UserProperty("k", "v"))), "publisher", 1234L);
        SessionExport s = new SessionExport("device-9", 600, 5_000L, 77L, new StoredSession.Owner("alice", false),
                List.of(new StoredSubscription("t/#", 2, true, true, 1, 5),
                        new StoredSubscription("$share/g/x", 1, false, false, 0, 0)),
                List.of(new StoredDelivery(0, m, QoS.EXACTLY_ONCE, false, new int[] {5}, 12, true)),
                List.of(new StoredDelivery(0, m, QoS.AT_LEAST_ONCE, true, new int[0], 0, false)), Set.of(3, 65535));
        SessionExport back = SessionCodec.decode(SessionCodec.exported(s), SessionCodec::readExported);
        assertThat(back).usingRecursiveComparison().isEqualTo(s);
        assertThat(SessionCodec.decode(SessionCodec.exported(null), SessionCodec::readExported)).isNull();
    }

    @Test
    void callsReadBackAndAnotherVersionIsRefused() {
        SessionCodec.ExportCall call = new SessionCodec.ExportCall("id", true, 42);
        assertThat(SessionCodec.decode(SessionCodec.exportCall(call), SessionCodec::readExportCall)).isEqualTo(call);
        SessionCodec.LockCall lock = new SessionCodec.LockCall("id", 9);
        assertThat(SessionCodec.decode(SessionCodec.lockCall(lock), SessionCodec::readLockCall)).isEqualTo(lock);
        byte[] body = SessionCodec.epoch(5);
        body[0] = 2;
        assertThatThrownBy(() -> SessionCodec.decode(body, SessionCodec::readEpoch))
                .hasMessageContaining("version 2");
    }
}
