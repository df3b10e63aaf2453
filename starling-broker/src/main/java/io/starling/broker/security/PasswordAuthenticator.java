package io.starling.broker.security;

import io.starling.api.auth.AuthRequest;
import io.starling.api.auth.AuthResult;
import io.starling.api.auth.Authenticator;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Checks a username and password against the built-in {@link UserDatabase}, on the authentication threads (the
 * hash is slow on purpose). A username it does not know is not its to decide: the next authenticator, or
 * {@code allow_anonymous}, does.
 */
public final class PasswordAuthenticator implements Authenticator {
    private final UserDatabase users;
    private final Executor threads;

    public PasswordAuthenticator(UserDatabase users, Executor threads) {
        this.users = users;
        this.threads = threads;
    }

    @Override
    public CompletionStage<AuthResult> authenticate(AuthRequest request) {
        String name = request.client().username();
        if (name == null || users.isEmpty()) {
            return CompletableFuture.completedFuture(AuthResult.IGNORE);
        }
        if (users.verifiedBefore(name, request.password())) {
            // The same password as at an earlier connect: an HMAC, not the slow hash, on the calling thread.
            return CompletableFuture.completedFuture(users.isSuperuser(name) ? AuthResult.allowSuperuser()
                    : AuthResult.allow());
        }
        try {
            return CompletableFuture.supplyAsync(() -> check(name, request.password()), threads);
        } catch (RejectedExecutionException busy) {
            return CompletableFuture.completedFuture(AuthResult.deny("the authentication threads are all busy"));
        }
    }

    private AuthResult check(String name, byte[] password) {
        Optional<Boolean> ok = users.verify(name, password);
        if (ok.isEmpty()) {
            return AuthResult.IGNORE;
        }
        if (!ok.get()) {
            return AuthResult.deny("bad username or password");
        }
        return users.isSuperuser(name) ? AuthResult.allowSuperuser() : AuthResult.allow();
    }
}
