package io.starling.auth.common;

import io.starling.api.auth.AuthRequest;
import io.starling.api.auth.AuthResult;
import io.starling.api.auth.Authenticator;
import java.util.concurrent.CompletionStage;

/**
 * A backend's blocking check as an {@link Authenticator}: run on the backend's pool, answered by the failure
 * policy when the backend is down, slow or broken. A client without a username is not the backend's to judge.
 */
public final class BackendAuthenticator implements Authenticator {

    /** The backend's check, on its own thread: allow, deny, or ignore ("not mine"). */
    @FunctionalInterface
    public interface Check {
        AuthResult check(AuthRequest request) throws Exception;
    }

    private final String backend;
    private final BackendCalls calls;
    private final FailurePolicy policy;
    private final Check check;

    public BackendAuthenticator(String backend, BackendCalls calls, FailurePolicy policy, Check check) {
        this.backend = backend;
        this.calls = calls;
        this.policy = policy;
        this.check = check;
    }

    @Override
    public CompletionStage<AuthResult> authenticate(AuthRequest request) {
        if (request.client().username() == null) {
            return java.util.concurrent.CompletableFuture.completedFuture(AuthResult.IGNORE);
        }
        return calls.call(request.client().clientId(), () -> check.check(request),
                e -> policy == FailurePolicy.DENY ? AuthResult.deny(backend + " unavailable: " + policy.describe())
                        : AuthResult.IGNORE);
    }
}
