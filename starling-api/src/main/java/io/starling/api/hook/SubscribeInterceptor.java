package io.starling.api.hook;

import io.starling.api.ClientInfo;

/**
 * Sees each topic filter of a SUBSCRIBE before authorization: may change the filter or its QoS, or refuse it.
 * Interceptors run in priority order, each on what the previous one returned; authorization then checks the
 * filter that comes out, so an interceptor cannot open a filter the ACL forbids. One that throws or times out
 * leaves the request as it was.
 */
@FunctionalInterface
public interface SubscribeInterceptor {

    /** The request to go on with (the same, a changed one, or {@link SubscriptionRequest#refuse}). */
    SubscriptionRequest onSubscribe(ClientInfo client, SubscriptionRequest request) throws Exception;
}
