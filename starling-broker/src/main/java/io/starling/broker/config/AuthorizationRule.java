package io.starling.broker.config;

/** One rule of the {@code authorization.rules} list. */
public record AuthorizationRule(boolean allow, Action action, String topicFilter) {

    public enum Action { PUBLISH, SUBSCRIBE, ALL }
}
