package io.starling.broker.protocol;

/** Topic aliases a client set on its PUBLISH packets, by alias number, for one connection. */
final class InboundTopicAliases {
    private final String[] topics;

    InboundTopicAliases(int maximum) {
        this.topics = new String[maximum + 1];
    }

    boolean isValid(int alias) {
        return alias >= 1 && alias < topics.length;
    }

    void set(int alias, String topic) {
        topics[alias] = topic;
    }

    /** The topic set for the alias, or null when the client never set one. */
    String get(int alias) {
        return topics[alias];
    }
}
