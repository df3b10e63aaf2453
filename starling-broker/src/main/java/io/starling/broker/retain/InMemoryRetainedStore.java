package io.starling.broker.retain;

import io.starling.api.Message;
import io.starling.api.store.RetainedStore;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Retained messages on the heap, indexed by topic level so that a wildcard subscription visits only the
 * branches its filter can match instead of every retained topic. Reads are lock-free; changes take one lock
 * so that a cleared topic's empty branch can be pruned without losing a message stored there meanwhile.
 */
public final class InMemoryRetainedStore implements RetainedStore {

    private static final class Node {
        final Node parent;
        final String level;
        /** Null until the first child: most nodes are leaves, and an empty map would cost each of them 64 bytes. */
        private volatile Map<String, Node> children;
        volatile Message message;

        Node(Node parent, String level) {
            this.parent = parent;
            this.level = level;
        }

        /** The children to read: never null. */
        Map<String, Node> children() {
            Map<String, Node> c = children;
            return c == null ? Map.of() : c;
        }

        /** Under the store's lock. */
        Node child(String childLevel) {
            if (children == null) {
                children = new ConcurrentHashMap<>(4);
            }
            return children.computeIfAbsent(childLevel, l -> new Node(this, l));
        }
    }

    private final Node root = new Node(null, null);
    private final AtomicLong size = new AtomicLong();

    @Override
    public synchronized void put(Message message) {
        Node node = root;
        for (String level : message.topic().split("/", -1)) {
            node = node.child(level);
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
        while (node.parent != null && node.message == null && node.children().isEmpty()) {
            node.parent.children().remove(node.level, node);
            node = node.parent;
        }
    }

    /** Topic levels held in the index, for tests that check cleared topics leave nothing behind. */
    int nodeCount() {
        return count(root) - 1;
    }

    private static int count(Node node) {
        int n = 1;
        for (Node child : node.children().values()) {
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
            node = node.children().get(level);
            if (node == null) {
                return null;
            }
        }
        return node;
    }

    @Override
    public Iterator<Message> matching(String topicFilter) {
        return new Matches(root, topicFilter.split("/", -1));
    }

    /**
     * A depth-first walk of the branches a filter can match, one child iterator per level on its stack: memory
     * in proportion to the depth of the topic tree, not to the number of messages.
     */
    private static final class Matches implements Iterator<Message> {
        /** Children still to visit at one level; {@code subtree}: everything below them matches (under #). */
        private record Frame(Iterator<Map.Entry<String, Node>> children, int depth, boolean subtree,
                boolean skipDollar) {
        }

        private final String[] levels;
        private final ArrayDeque<Frame> stack = new ArrayDeque<>();
        private final ArrayDeque<Message> found = new ArrayDeque<>(2);

        Matches(Node root, String[] levels) {
            this.levels = levels;
            enter(root, 0);
        }

        private void enter(Node node, int depth) {
            if (depth == levels.length) {
                take(node);
                return;
            }
            String level = levels[depth];
            if (level.equals("#")) {
                // "a/#" also matches "a" itself.
                if (depth > 0) {
                    take(node);
                }
                stack.push(new Frame(node.children().entrySet().iterator(), depth, true, depth == 0));
            } else if (level.equals("+")) {
                stack.push(new Frame(node.children().entrySet().iterator(), depth, false, depth == 0));
            } else {
                Node child = node.children().get(level);
                if (child != null) {
                    enter(child, depth + 1);
                }
            }
        }

        private void take(Node node) {
            Message m = node.message;
            if (m != null) {
                found.add(m);
            }
        }

        private void advance() {
            while (found.isEmpty() && !stack.isEmpty()) {
                Frame f = stack.peek();
                if (!f.children().hasNext()) {
                    stack.pop();
                    continue;
                }
                Map.Entry<String, Node> e = f.children().next();
                if (f.skipDollar() && e.getKey().startsWith("$")) {
                    continue;
                }
                if (f.subtree()) {
                    take(e.getValue());
                    stack.push(new Frame(e.getValue().children().entrySet().iterator(), f.depth() + 1, true, false));
                } else {
                    enter(e.getValue(), f.depth() + 1);
                }
            }
        }

        @Override
        public boolean hasNext() {
            advance();
            return !found.isEmpty();
        }

        @Override
        public Message next() {
            advance();
            Message m = found.poll();
            if (m == null) {
                throw new NoSuchElementException();
            }
            return m;
        }
    }

    @Override
    public long size() {
        return size.get();
    }
}
