package io.starling.broker.module;

import io.starling.api.ClientInfo;
import io.starling.api.Message;
import io.starling.api.hook.PublishInterceptor;
import io.starling.api.hook.SubscribeInterceptor;
import io.starling.api.hook.SubscriptionRequest;
import io.starling.broker.config.ModulesConfig.RewriteAction;
import io.starling.broker.config.ModulesConfig.RewriteRule;
import io.starling.codec.Topics;
import java.util.List;
import java.util.regex.Matcher;

/**
 * emqttd's topic rewrite: the first rule whose source filter matches the topic (or filter) and whose regular
 * expression matches it rewrites it. It runs as the first interceptor, before authorization, so the ACL judges
 * the rewritten topic: a rewrite cannot reach a topic the rules forbid.
 */
public final class TopicRewrite implements PublishInterceptor, SubscribeInterceptor {
    /** Before any plugin's interceptors. */
    public static final int PRIORITY = 100;

    private final List<RewriteRule> rules;

    public TopicRewrite(List<RewriteRule> rules) {
        this.rules = List.copyOf(rules);
    }

    @Override
    public Message onPublish(ClientInfo client, Message message) {
        String rewritten = rewrite(message.topic(), RewriteAction.PUBLISH);
        return rewritten == null ? message : message.withTopic(rewritten);
    }

    @Override
    public SubscriptionRequest onSubscribe(ClientInfo client, SubscriptionRequest request) {
        String rewritten = rewrite(request.topicFilter(), RewriteAction.SUBSCRIBE);
        return rewritten == null ? request : request.withTopicFilter(rewritten);
    }

    /** The rewritten topic, or null when no rule applies. */
    String rewrite(String topic, RewriteAction action) {
        for (RewriteRule rule : rules) {
            if (rule.action() != RewriteAction.ALL && rule.action() != action) {
                continue;
            }
            if (!Topics.matches(rule.source(), topic)) {
                continue;
            }
            Matcher m = rule.pattern().matcher(topic);
            if (m.matches()) {
                return m.replaceFirst(rule.destination());
            }
        }
        return null;
    }
}
