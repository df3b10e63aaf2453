package io.starling.auth.common;

import io.starling.api.auth.AuthResult;

/** A user a backend found: its stored password and whether it is a superuser. */
public record UserRecord(StoredPassword password, boolean superuser) {

    /** The backend's answer for this user and the password the client sent. */
    public AuthResult check(byte[] sent, HashSettings settings, String backend) {
        if (sent == null) {
            return AuthResult.deny(backend + ": no password sent");
        }
        if (!password.matches(sent, settings)) {
            return AuthResult.deny(backend + ": wrong password");
        }
        return superuser ? AuthResult.allowSuperuser() : AuthResult.allow();
    }
}
