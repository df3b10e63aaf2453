package io.starling.api.auth;

import io.starling.api.ClientInfo;

/** What a client presented when connecting. {@code password} is null when none was sent. */
public record AuthRequest(ClientInfo client, byte[] password) {
}
