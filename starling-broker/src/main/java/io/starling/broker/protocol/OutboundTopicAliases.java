package io.starling.broker.protocol;

import java.util.HashMap;
import java.util.Map;

/**
 * Topic aliases the node assigns when sending to an MQTT 5 client that allows them: the first message on a topic
 * carries topic and alias, later ones the alias alone. Aliases are handed out until the client's maximum is
 * reached, then topics go without. Guarded by the session the connection serves.
 */
final class OutboundTopicAliases {
    /** No aliases (MQTT 3, or a client that allows none): immutable, since nothing is ever committed. */
    static final OutboundTopicAliases NONE = new OutboundTopicAliases(0);

    private final int maximum;
    /** Allocated on the first alias. */
    private Map<String, Integer> aliases = Map.of();

    OutboundTopicAliases(int maximum) {
        this.maximum = maximum;
    }

    /** The alias already sent for the topic, or null. */
    Integer existing(String topic) {
        return aliases.get(topic);
    }

    /** A new alias for the topic, or null when the client allows no more; not recorded until {@link #commit}. */
    Integer proposeNew() {
        return aliases.size() < maximum ? aliases.size() + 1 : null;
    }

    void commit(String topic, int alias) {
        if (aliases.isEmpty()) {
            aliases = new HashMap<>();
        }
        aliases.put(topic, alias);
    }
}
