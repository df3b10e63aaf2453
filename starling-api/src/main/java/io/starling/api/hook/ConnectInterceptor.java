package io.starling.api.hook;

import io.starling.api.ClientInfo;

/**
 * Decides on a CONNECT before authentication: may refuse the client. Interceptors run in priority order; the
 * first refusal answers CONNACK with its reason code. One that throws or times out refuses (fail closed).
 */
@FunctionalInterface
public interface ConnectInterceptor {

    /** {@link ConnectVerdict#ALLOW} or {@link ConnectVerdict#refuse}. */
    ConnectVerdict onConnect(ClientInfo client) throws Exception;
}
