package io.starling.broker.session;

import io.starling.codec.Topics;

/** The parts of a shared subscription filter: {@code $share/group/filter}, or {@code $queue/filter}. */
public record SharedFilter(String group, String filter) {

    /** The group name {@code $queue/filter} subscriptions share. */
    public static final String QUEUE_GROUP = "$queue";

    /** The parts of a valid shared filter, or null for a plain one. */
    public static SharedFilter parse(String clientFilter) {
        if (clientFilter.startsWith(Topics.SHARE_PREFIX)) {
            int slash = clientFilter.indexOf('/', Topics.SHARE_PREFIX.length());
            return new SharedFilter(clientFilter.substring(Topics.SHARE_PREFIX.length(), slash),
                    clientFilter.substring(slash + 1));
        }
        if (clientFilter.startsWith(Topics.QUEUE_PREFIX)) {
            return new SharedFilter(QUEUE_GROUP, clientFilter.substring(Topics.QUEUE_PREFIX.length()));
        }
        return null;
    }
}
