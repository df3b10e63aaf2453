package io.starling.broker.security;

import io.starling.api.ClientInfo;
import io.starling.api.auth.AuthRequest;
import io.starling.api.auth.AuthResult;
import io.starling.api.auth.Authenticator;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Asks each authenticator in priority order; the first that does not ignore the client decides. When all
 * ignore it, {@code allow_anonymous} decides. A failed or exceptional authenticator denies (fail closed). Every
 * answer is written down in the failed-login throttle, which the caller asks first ({@link #lockedOut}).
 */
public final class AuthenticationChain {
    private static final CompletableFuture<AuthResult> ALLOW = CompletableFuture.completedFuture(AuthResult.allow());
    private static final CompletableFuture<AuthResult> DENY =
            CompletableFuture.completedFuture(AuthResult.deny("anonymous access is disabled"
                    + " (authentication.allow_anonymous = false); add a user with bin/starling-ctl users add <name>"));

    private record Entry(Authenticator authenticator, int priority) {
    }

    private final List<Entry> chain = new CopyOnWriteArrayList<>();
    /** reload may change it. */
    private volatile boolean allowAnonymous;

    private final FailedLogins failures;

    public AuthenticationChain(boolean allowAnonymous, FailedLogins failures) {
        this.allowAnonymous = allowAnonymous;
        this.failures = failures;
    }

    /** For the CONNECTs from now on. */
    public void allowAnonymous(boolean allow) {
        this.allowAnonymous = allow;
    }

    public synchronized void add(Authenticator authenticator, int priority) {
        chain.add(new Entry(authenticator, priority));
        chain.sort(Comparator.comparingInt(Entry::priority));
    }

    public void remove(Authenticator authenticator) {
        chain.removeIf(e -> e.authenticator == authenticator);
    }

    /** Why this client may not try to log in now (too many failures), or null when it may. */
    public String lockedOut(ClientInfo client) {
        return failures.lockedOut(client);
    }

    public CompletionStage<AuthResult> authenticate(AuthRequest request) {
        CompletableFuture<AuthResult> answer = next(chain, 0, request).toCompletableFuture();
        if (answer.isDone()) {
            // Answered on the caller's thread, a network thread: a failure is written down elsewhere.
            return answer.thenApply(r -> failures.counted(request, r, false));
        }
        // Answered on an authentication (or plugin) thread: written down there, before the CONNACK goes out.
        return answer.thenApply(r -> failures.counted(request, r, true));
    }

    private CompletionStage<AuthResult> next(List<Entry> entries, int index, AuthRequest request) {
        if (index == entries.size()) {
            return allowAnonymous ? ALLOW : DENY;
        }
        CompletionStage<AuthResult> answer;
        try {
            answer = entries.get(index).authenticator.authenticate(request);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(AuthResult.deny("authenticator failed: " + e));
        }
        return answer.exceptionally(e -> AuthResult.deny("authenticator failed: " + e))
                .thenCompose(r -> r.outcome() == AuthResult.Outcome.IGNORE
                        ? next(entries, index + 1, request)
                        : CompletableFuture.completedFuture(r));
    }
}
