package io.starling.broker.session;

import io.starling.codec.Topics;

/** The parts of a shared subscription filter: {@code $share/group/filter}, or {@code $queue/filter}. */
public record SharedFilter(String group, String filter) {

    /** The group name {@code $queue/filter} subscriptions share. */
    public static final String QUEUE_GROUP = "$queue";

    /** The parts of a valid shared filter, or null for a plain one (or a malformed one, which is never subscribed). */
    public static SharedFilter parse(String clientFilter) {
        int start = Topics.sharedFilterStart(clientFilter);
        if (start <= 0) {
            return null;
        }
        String group = clientFilter.startsWith(Topics.QUEUE_PREFIX) ? QUEUE_GROUP
                : clientFilter.substring(Topics.SHARE_PREFIX.length(), start - 1);
        return new SharedFilter(group, clientFilter.substring(start));
    }
}
