package io.starling.cluster.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.starling.cluster.session.ClientLocks.Claimant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** The owner's locks of client ids: claims take turns, and none is held for ever. */
class ClientLocksTest {
    /** Lease expiries, run when the test says. */
    private final List<Runnable> leases = new ArrayList<>();
    private final ClientLocks locks = new ClientLocks(leases::add);
    private final Claimant a = new Claimant("a", 1);
    private final Claimant b = new Claimant("b", 1);
    private final Claimant c = new Claimant("c", 7);

    @Test
    void claimsOfOneClientIdTakeTurnsInTheOrderTheyCameWithGrowingEpochs() {
        CompletableFuture<Long> first = locks.acquire("id", a);
        CompletableFuture<Long> second = locks.acquire("id", b);
        CompletableFuture<Long> third = locks.acquire("id", c);
        CompletableFuture<Long> other = locks.acquire("another id", c);
        assertThat(first).isCompleted();
        assertThat(other).isCompleted();
        assertThat(second).isNotDone();
        locks.release("id", a);
        assertThat(second).isCompleted();
        assertThat(third).isNotDone();
        locks.release("id", b);
        assertThat(third.join()).isGreaterThan(second.join()).isGreaterThan(first.join());
        locks.release("id", c);
        locks.release("another id", c);
        assertThat(locks.size()).isZero();
    }

    @Test
    void claimsThatGaveUpWaitingAreSkippedAndAReleaseOfAnotherClaimChangesNothing() {
        locks.acquire("id", a);
        CompletableFuture<Long> withdrawn = locks.acquire("id", b);
        CompletableFuture<Long> timedOut = locks.acquire("id", new Claimant("a", 2));
        CompletableFuture<Long> next = locks.acquire("id", c);
        locks.release("id", b); // b's call timed out, and b said so
        assertThat(withdrawn).isCompletedExceptionally();
        timedOut.completeExceptionally(new TimeoutException()); // a claim of the owner itself timed out
        locks.release("id", new Claimant("z", 1)); // never claimed
        assertThat(next).isNotDone();
        locks.release("id", a);
        assertThat(next).isCompleted();
    }

    @Test
    void theClaimsOfANodeThatLeftAreReleased() {
        locks.acquire("id", a);
        CompletableFuture<Long> fromB = locks.acquire("id", b);
        CompletableFuture<Long> fromC = locks.acquire("id", c);
        locks.retainOnly(List.of("c"));
        assertThat(fromB).isCompletedExceptionally();
        assertThat(fromC).isCompleted();
    }

    @Test
    void aClaimHeldPastItsLeaseIsReleasedButALeaseOfAnEarlierGrantReleasesNothing() {
        locks.acquire("id", a);
        CompletableFuture<Long> next = locks.acquire("id", b);
        assertThat(leases).hasSize(1);
        leases.get(0).run();
        assertThat(next).isCompleted();
        locks.release("id", b);
        locks.acquire("id", c);
        leases.get(1).run(); // b's lease, after b released
        CompletableFuture<Long> waiting = locks.acquire("id", a);
        assertThat(waiting).as("c still holds it").isNotDone();
    }
}
