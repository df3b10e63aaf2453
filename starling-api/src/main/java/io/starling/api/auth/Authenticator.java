package io.starling.api.auth;

import java.util.concurrent.CompletionStage;

/**
 * Decides whether a client may connect. Implementations may block only on their own threads: the broker
 * calls {@link #authenticate} on a network thread and waits for the returned stage without blocking.
 */
public interface Authenticator {

    CompletionStage<AuthResult> authenticate(AuthRequest request);
}
