package io.starling.bridge;

import static io.starling.bridge.Nodes.bridge;
import static org.assertj.core.api.Assertions.assertThat;

import io.starling.broker.bootstrap.Starling;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A bridge's local subscriptions meet the node's subscription limits as a client's SUBSCRIBE does: with wildcard
 * subscriptions off, an {@code out} rule on a wildcard filter subscribes to nothing (and says so in the log),
 * while a rule on a plain topic still works.
 */
class BridgeLocalLimitsTest {
    private final Nodes nodes = new Nodes();

    @AfterEach
    void stop() {
        nodes.close();
    }

    @Test
    void aWildcardRuleIsRefusedWhereWildcardSubscriptionsAreOff() {
        Starling remote = nodes.start("");
        Starling node = nodes.start("mqtt.wildcard_subscription = false\n"
                + bridge("w", remote.port(), "5", "", "sensors/# out 1", "plain/topic out 1"));

        assertThat(node.services().sessions().get("bridge:w").subscriptions()).containsOnlyKeys("plain/topic");
    }
}
