package io.starling.broker.routing;

/**
 * One level of a topic name, looked up where it stands: a map keyed by level Strings finds the child for it
 * without the level being copied out. {@link java.util.Map#get} compares with {@code probe.equals(key)}, and this
 * hashes and compares as the String of the same characters would. Mutable and reused along one match, on one
 * thread; never stored in a map.
 */
final class TopicLevel {

    private String topic;
    private int start;
    private int length;
    private int hash;

    /** Points at {@code topic[start, end)} and returns this. */
    TopicLevel of(String topic, int start, int end) {
        int h = 0;
        for (int i = start; i < end; i++) {
            h = 31 * h + topic.charAt(i);
        }
        this.topic = topic;
        this.start = start;
        this.length = end - start;
        this.hash = h;
        return this;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof String s && s.length() == length && topic.regionMatches(start, s, 0, length);
    }
}
