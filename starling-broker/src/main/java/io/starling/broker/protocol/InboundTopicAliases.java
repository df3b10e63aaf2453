package io.starling.broker.protocol;

/** Topic aliases a client set on its PUBLISH packets, by alias number, for one connection. */
final class InboundTopicAliases {
    /** No aliases allowed: immutable, since no alias is ever valid to set. */
    static final InboundTopicAliases NONE = new InboundTopicAliases(0);

    private final int maximum;
    /** Allocated on the first alias: most clients never use one. */
    private String[] topics;

    InboundTopicAliases(int maximum) {
        this.maximum = maximum;
    }

    boolean isValid(int alias) {
        return alias >= 1 && alias <= maximum;
    }

    void set(int alias, String topic) {
        if (topics == null) {
            topics = new String[maximum + 1];
        }
        topics[alias] = topic;
    }

    /** The topic set for the alias, or null when the client never set one. */
    String get(int alias) {
        return topics == null ? null : topics[alias];
    }
}
