package io.starling.auth.common;

import io.starling.api.ClientInfo;
import io.starling.api.auth.Authorizer;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A backend's ACL as an {@link Authorizer}: the client's rules fetched on the backend's pool, the first that
 * matches decides, none is "not mine"; a backend that is down or slow answers by the failure policy.
 */
public final class BackendAuthorizer implements Authorizer {

    /** The rules for this client, in the order they apply, on the backend's thread. */
    @FunctionalInterface
    public interface Rules {
        List<TopicRule> rules(ClientInfo client, Action action, String topic) throws Exception;
    }

    private final BackendCalls calls;
    private final FailurePolicy policy;
    private final Rules rules;

    public BackendAuthorizer(BackendCalls calls, FailurePolicy policy, Rules rules) {
        this.calls = calls;
        this.policy = policy;
        this.rules = rules;
    }

    @Override
    public CompletionStage<Decision> authorize(ClientInfo client, Action action, String topic) {
        return calls.call(client.clientId(), () -> TopicRule.decide(rules.rules(client, action, topic), client, action,
                topic), e -> policy == FailurePolicy.DENY ? Decision.DENY : Decision.IGNORE);
    }
}
