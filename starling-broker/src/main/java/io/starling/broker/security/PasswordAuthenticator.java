package io.starling.broker.security;

import io.starling.api.ClientInfo;
import io.starling.api.auth.AuthRequest;
import io.starling.api.auth.AuthResult;
import io.starling.api.auth.Authenticator;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * Checks a username and password against the built-in {@link UserDatabase}, on the authentication threads (the
 * hash is slow on purpose). A username it does not know is not its to decide: the next authenticator, or
 * {@code allow_anonymous}, does.
 */
public final class PasswordAuthenticator implements Authenticator {
    private final UserDatabase users;
    private final Executor threads;
    /** Why a client may not try now (the failed-login throttle), or null. */
    private final Function<ClientInfo, String> lockedOut;

    /**
     * {@code lockedOut} is asked again on the authentication thread, right before the hash: attempts sent together
     * all pass the network thread's check before the first failure is written down.
     */
    public PasswordAuthenticator(UserDatabase users, Executor threads, Function<ClientInfo, String> lockedOut) {
        this.users = users;
        this.threads = threads;
        this.lockedOut = lockedOut;
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
            return CompletableFuture.supplyAsync(() -> check(request.client(), name, request.password()), threads);
        } catch (RejectedExecutionException busy) {
            return CompletableFuture.completedFuture(AuthResult.deny("the authentication threads are all busy"));
        }
    }

    private AuthResult check(ClientInfo client, String name, byte[] password) {
        String locked = lockedOut.apply(client);
        if (locked != null) {
            return AuthResult.deny(locked);
        }
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
