package io.starling.broker.security;

import io.starling.api.ClientInfo;
import io.starling.api.auth.Authorizer;
import io.starling.api.auth.Authorizer.Action;
import io.starling.api.auth.Authorizer.Decision;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Asks each authorizer in priority order; the first that does not ignore the request decides, else the
 * configured default. Errors deny. A superuser may do anything.
 */
public final class AuthorizationChain {
    private static final CompletableFuture<Boolean> TRUE = CompletableFuture.completedFuture(true);
    private static final CompletableFuture<Boolean> FALSE = CompletableFuture.completedFuture(false);

    private record Entry(Authorizer authorizer, int priority) {
    }

    private final List<Entry> chain = new CopyOnWriteArrayList<>();
    private final boolean noMatchAllows;

    public AuthorizationChain(boolean noMatchAllows) {
        this.noMatchAllows = noMatchAllows;
    }

    public synchronized void add(Authorizer authorizer, int priority) {
        chain.add(new Entry(authorizer, priority));
        chain.sort(Comparator.comparingInt(Entry::priority));
    }

    public void remove(Authorizer authorizer) {
        chain.removeIf(e -> e.authorizer == authorizer);
    }

    /** Completes with true when the client may perform the action on the topic. */
    public CompletableFuture<Boolean> authorize(ClientInfo client, Action action, String topic) {
        if (client.superuser()) {
            return TRUE;
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
