package io.starling.broker.session;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where the sessions of client ids are, when there is more than this node: before a CONNECT opens its session the
 * directory makes sure no other node holds one for the client id (a session that resumes is brought here with
 * {@link SessionRegistry#importSession} first; another node's connection is told 0x8E), and keeps other CONNECTs of
 * the id, here or elsewhere, waiting until the claim is released. A node alone has {@link #LOCAL}: nothing to ask,
 * so the claim completes at once and CONNECT runs as it always did.
 */
public interface SessionDirectory {

    /** The right to open the session of one client id, held from {@link #claim} until {@link #release}. */
    interface Claim {
        /** Orders the claims of one client id across the cluster (for fencing); 0 on a node alone. */
        long epoch();

        /** Lets the next CONNECT of the client id go on; called once the session is open, or not opened at all. */
        void release();
    }

    /** The claim of a node alone: nothing was asked, nothing to release. */
    Claim NONE = new Claim() {
        @Override
        public long epoch() {
            return 0;
        }

        @Override
        public void release() {
            // nothing held
        }
    };

    /** A node alone: every claim granted at once. */
    SessionDirectory LOCAL = new SessionDirectory() {
        private final CompletionStage<Claim> granted = CompletableFuture.completedStage(NONE);

        @Override
        public CompletionStage<Claim> claim(String clientId, boolean cleanStart) {
            return granted;
        }
    };

    /**
     * Claims the client id for a CONNECT with {@code cleanStart}; completes (on any thread) once the session may be
     * opened here. It never fails: when other nodes do not answer in time, the claim completes without them.
     */
    CompletionStage<Claim> claim(String clientId, boolean cleanStart);
}
