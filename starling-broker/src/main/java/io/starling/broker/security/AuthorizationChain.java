package io.starling.broker.security;

import io.starling.api.ClientInfo;
import io.starling.api.auth.Authorizer;
import io.starling.api.auth.Authorizer.Action;
import io.starling.api.auth.Authorizer.Decision;
import io.starling.codec.Topics;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Asks each authorizer in priority order; the first that does not ignore the request decides, else the
 * configured default. Errors deny. A superuser may do anything. A shared subscription is judged on the filter it
 * matches with: every authorizer (the ACL file, the configured rules, each backend and plugin) sees {@code a/b}
 * for {@code $share/g/a/b} and {@code $queue/a/b}, so no prefix walks past a rule.
 */
public final class AuthorizationChain {
    /** Completed decisions, shared: nothing to allocate for an answer known at once. */
    public static final CompletableFuture<Boolean> ALLOWED = CompletableFuture.completedFuture(true);
    public static final CompletableFuture<Boolean> DENIED = CompletableFuture.completedFuture(false);
    private static final CompletableFuture<Boolean> TRUE = ALLOWED;
    private static final CompletableFuture<Boolean> FALSE = DENIED;

    private record Entry(Authorizer authorizer, int priority) {
    }

    private final List<Entry> chain = new CopyOnWriteArrayList<>();
    /** Bumped whenever the rules may have changed: cached decisions of an older version are void. */
    private final java.util.concurrent.atomic.AtomicLong version = new java.util.concurrent.atomic.AtomicLong();
    /** reload may change it. */
    private volatile boolean noMatchAllows;

    public AuthorizationChain(boolean noMatchAllows) {
        this.noMatchAllows = noMatchAllows;
    }

    public synchronized void add(Authorizer authorizer, int priority) {
        chain.add(new Entry(authorizer, priority));
        chain.sort(Comparator.comparingInt(Entry::priority));
        rulesChanged();
    }

    public void remove(Authorizer authorizer) {
        chain.removeIf(e -> e.authorizer == authorizer);
        rulesChanged();
    }

    /** Voids every cached decision: an authorizer's rules changed (a reloaded ACL file). */
    /** What a decision no authorizer makes comes to, from now on; cached decisions are dropped. */
    public void noMatchAllows(boolean allows) {
        this.noMatchAllows = allows;
        rulesChanged();
    }

    public void rulesChanged() {
        version.incrementAndGet();
    }

    public long version() {
        return version.get();
    }

    /**
     * Completes with true when the client may perform the action on the topic (for SUBSCRIBE, the filter as the
     * client sent it, shared or not).
     */
    public CompletableFuture<Boolean> authorize(ClientInfo client, Action action, String topic) {
        if (client.superuser()) {
            return TRUE;
        }
        if (action == Action.SUBSCRIBE) {
            // A plain filter comes back as it is: nothing allocated for the usual case.
            topic = Topics.unshared(topic);
            if (topic == null) {
                return FALSE; // the decoder refuses a malformed shared filter before it gets here
            }
        }
        if (chain.isEmpty()) {
            return noMatchAllows ? TRUE : FALSE;
        }
        return next(chain, 0, client, action, topic).toCompletableFuture();
    }

    private CompletionStage<Boolean> next(List<Entry> entries, int index, ClientInfo client, Action action,
            String topic) {
        if (index == entries.size()) {
            return noMatchAllows ? TRUE : FALSE;
        }
        CompletionStage<Decision> answer;
        try {
            answer = entries.get(index).authorizer.authorize(client, action, topic);
        } catch (RuntimeException e) {
            return FALSE;
        }
        if (answer instanceof CompletableFuture<Decision> done && done.isDone() && !done.isCompletedExceptionally()) {
            Decision d = done.join();
            return d == Decision.IGNORE ? next(entries, index + 1, client, action, topic)
                    : d == Decision.ALLOW ? TRUE : FALSE;
        }
        return answer.exceptionally(e -> Decision.DENY)
                .thenCompose(d -> d == Decision.IGNORE ? next(entries, index + 1, client, action, topic)
                        : d == Decision.ALLOW ? TRUE : FALSE);
    }
}
