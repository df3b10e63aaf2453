package io.starling.broker.retain;

import io.starling.api.Message;
import io.starling.api.store.RetainedStore;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Retained messages on the heap, indexed by topic level so that a wildcard subscription visits only the
 * branches its filter can match instead of every retained topic. Reads are lock-free; changes take one lock
 * so that a cleared topic's empty branch can be pruned without losing a message stored there meanwhile.
 */
public final class InMemoryRetainedStore implements RetainedStore {

    private static final class Node {
        final Node parent;
        final String level;
        final Map<String, Node> children = new ConcurrentHashMap<>(4);
        volatile Message message;

        Node(Node parent, String level) {
            this.parent = parent;
            this.level = level;
        }
    }

    private final Node root = new Node(null, null);
    private final AtomicLong size = new AtomicLong();

    @Override
    public synchronized void put(Message message) {
        Node node = root;
        for (String level : message.topic().split("/", -1)) {
            Node parent = node;
            node = node.children.computeIfAbsent(level, l -> new Node(parent, l));
        }
        if (node.message == null) {
            size.incrementAndGet();
        }
        node.message = message;
    }

    @Override
    public synchronized void remove(String topic) {
        Node node = find(topic);
        if (node == null || node.message == null) {
            return;
        }
        node.message = null;
        size.decrementAndGet();
        while (node.parent != null && node.message == null && node.children.isEmpty()) {
            node.parent.children.remove(node.level, node);
            node = node.parent;
        }
    }

    /** Topic levels held in the index, for tests that check cleared topics leave nothing behind. */
    int nodeCount() {
        return count(root) - 1;
    }

    private static int count(Node node) {
        int n = 1;
        for (Node child : node.children.values()) {
            n += count(child);
        }
        return n;
    }

    @Override
    public Optional<Message> get(String topic) {
        Node node = find(topic);
        return node == null ? Optional.empty() : Optional.ofNullable(node.message);
    }

    private Node find(String topic) {
        Node node = root;
        for (String level : topic.split("/", -1)) {
            node = node.children.get(level);
            if (node == null) {
                return null;
            }
        }
        return node;
    }

    @Override
    public void forEachMatching(String topicFilter, Consumer<Message> sink) {
        match(root, topicFilter.split("/", -1), 0, sink);
    }

    private static void match(Node node, String[] levels, int depth, Consumer<Message> sink) {
        if (depth == levels.length) {
            emit(node, sink);
            return;
        }
        String level = levels[depth];
        if (level.equals("#")) {
            // "a/#" also matches "a" itself.
            if (depth > 0) {
                emit(node, sink);
            }
            for (Map.Entry<String, Node> e : node.children.entrySet()) {
                if (depth == 0 && e.getKey().startsWith("$")) {
                    continue;
                }
                emitAll(e.getValue(), sink);
            }
        } else if (level.equals("+")) {
            for (Map.Entry<String, Node> e : node.children.entrySet()) {
                if (depth == 0 && e.getKey().startsWith("$")) {
                    continue;
                }
                match(e.getValue(), levels, depth + 1, sink);
            }
        } else {
            Node child = node.children.get(level);
            if (child != null) {
                match(child, levels, depth + 1, sink);
            }
        }
    }

    private static void emitAll(Node node, Consumer<Message> sink) {
        emit(node, sink);
        for (Node child : node.children.values()) {
            emitAll(child, sink);
        }
    }

    private static void emit(Node node, Consumer<Message> sink) {
        Message m = node.message;
        if (m != null) {
            sink.accept(m);
        }
    }

    @Override
    public long size() {
        return size.get();
    }
}
