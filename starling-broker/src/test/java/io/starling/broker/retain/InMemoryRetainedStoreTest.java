package io.starling.broker.retain;

import static org.assertj.core.api.Assertions.assertThat;

import io.starling.api.Message;
import io.starling.api.MessageProperties;
import io.starling.api.QoS;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryRetainedStoreTest {

    private final InMemoryRetainedStore store = new InMemoryRetainedStore();

    private static Message retained(String topic) {
        return new Message(topic, new byte[] {1}, QoS.AT_LEAST_ONCE, true, MessageProperties.NONE, "p", 0);
    }

    private List<String> matching(String filter) {
        List<String> topics = new ArrayList<>();
        store.matching(filter).forEachRemaining(m -> topics.add(m.topic()));
        return topics;
    }

    @Test
    void wildcardsFollowTheTopicRules() {
        for (String t : List.of("a", "a/b", "a/b/c", "a/x/c", "$SYS/up", "/lead", "a//c")) {
            store.put(retained(t));
        }
        assertThat(matching("#")).containsExactlyInAnyOrder("a", "a/b", "a/b/c", "a/x/c", "/lead", "a//c");
        assertThat(matching("a/#")).containsExactlyInAnyOrder("a", "a/b", "a/b/c", "a/x/c", "a//c");
        assertThat(matching("a/+/c")).containsExactlyInAnyOrder("a/b/c", "a/x/c", "a//c");
        assertThat(matching("+")).containsExactly("a");
        assertThat(matching("$SYS/#")).containsExactly("$SYS/up");
        assertThat(matching("+/lead")).containsExactly("/lead");
        assertThat(store.size()).isEqualTo(7);
    }

    @Test
    void replacingKeepsOneMessagePerTopic() {
        store.put(retained("a/b"));
        Message second = retained("a/b");
        store.put(second);
        assertThat(store.size()).isEqualTo(1);
        assertThat(store.get("a/b")).containsSame(second);
    }

    @Test
    void clearingPrunesEmptyBranchesButKeepsTheRest() {
        store.put(retained("a/b/c/d"));
        store.put(retained("a/b"));
        for (int i = 0; i < 1000; i++) {
            store.put(retained("churn/" + i + "/x"));
            store.remove("churn/" + i + "/x");
        }
        store.remove("a/b/c/d");
        assertThat(store.nodeCount()).as("only a and a/b remain").isEqualTo(2);
        assertThat(matching("#")).containsExactly("a/b");
        assertThat(store.size()).isEqualTo(1);
    }
}
