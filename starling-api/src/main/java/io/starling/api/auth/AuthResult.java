package io.starling.api.auth;

/**
 * An authenticator's answer. {@link Outcome#IGNORE} passes the decision to the next authenticator in the chain.
 */
public record AuthResult(Outcome outcome, boolean superuser, String reason) {

    public enum Outcome { ALLOW, DENY, IGNORE }

    public static final AuthResult IGNORE = new AuthResult(Outcome.IGNORE, false, null);

    public static AuthResult allow() {
        return new AuthResult(Outcome.ALLOW, false, null);
    }

    public static AuthResult allowSuperuser() {
        return new AuthResult(Outcome.ALLOW, true, null);
    }

    public static AuthResult deny(String reason) {
        return new AuthResult(Outcome.DENY, false, reason);
    }
}
