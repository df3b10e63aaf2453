package io.starling.broker.security;

import io.starling.api.ClientInfo;
import io.starling.api.auth.Authorizer;
import io.starling.broker.config.AuthorizationRule;
import io.starling.codec.Topics;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The {@code authorization.rules} of the configuration: first matching rule wins, no match is ignored so the
 * chain's default applies. A rule applies to a subscription when it covers every topic the filter can match.
 */
public final class RuleAuthorizer implements Authorizer {
    private static final CompletableFuture<Decision> ALLOW = CompletableFuture.completedFuture(Decision.ALLOW);
    private static final CompletableFuture<Decision> DENY = CompletableFuture.completedFuture(Decision.DENY);
    private static final CompletableFuture<Decision> IGNORE = CompletableFuture.completedFuture(Decision.IGNORE);

    private final List<AuthorizationRule> rules;

    public RuleAuthorizer(List<AuthorizationRule> rules) {
        this.rules = List.copyOf(rules);
    }

    @Override
    public CompletionStage<Decision> authorize(ClientInfo client, Action action, String topic) {
        for (AuthorizationRule rule : rules) {
            boolean actionMatches = rule.action() == AuthorizationRule.Action.ALL
                    || (rule.action() == AuthorizationRule.Action.PUBLISH) == (action == Action.PUBLISH);
            if (actionMatches && Topics.covers(rule.topicFilter(), topic)) {
                return rule.allow() ? ALLOW : DENY;
            }
        }
        return IGNORE;
    }
}
