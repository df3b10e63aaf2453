package io.starling.api.auth;

import io.starling.api.ClientInfo;
import java.util.concurrent.CompletionStage;

/**
 * Decides whether a client may publish to or subscribe to a topic. Answer {@link Decision#IGNORE} to let the
 * next authorizer decide; when every authorizer ignores, the broker's configured default applies.
 */
public interface Authorizer {

    enum Action { PUBLISH, SUBSCRIBE }

    enum Decision { ALLOW, DENY, IGNORE }

    /**
     * @param topic for PUBLISH the topic name; for SUBSCRIBE the filter the subscription matches with, so without a
     *              shared subscription's {@code $share/<group>/} or {@code $queue/} prefix ({@code a/b} for
     *              {@code $share/g/a/b})
     */
    CompletionStage<Decision> authorize(ClientInfo client, Action action, String topic);
}
