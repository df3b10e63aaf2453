package io.starling.api.store;

import io.starling.api.Message;

/**
 * A message published to {@code $delayed/<seconds>/<topic>}, waiting to be published to its topic.
 *
 * @param id        unique on the node, in the order the messages were accepted
 * @param dueMillis when it is published (epoch milliseconds)
 */
public record StoredDelayed(long id, long dueMillis, Message message) {
}
