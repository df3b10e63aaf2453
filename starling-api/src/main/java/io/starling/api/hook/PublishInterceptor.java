package io.starling.api.hook;

import io.starling.api.ClientInfo;
import io.starling.api.Message;

/**
 * Sees each message a client publishes before authorization and routing: may change it (topic, payload,
 * properties) or stop it. Interceptors run in priority order, each on what the previous one returned;
 * authorization then checks the topic that comes out. One that throws or times out leaves the message as it was.
 * A stopped message is acknowledged to its publisher (it was accepted) and counted as dropped.
 */
@FunctionalInterface
public interface PublishInterceptor {

    /** The message to go on with (the same, a changed one), or null to stop it. */
    Message onPublish(ClientInfo client, Message message) throws Exception;
}
