package io.starling.stomp;

import io.starling.broker.config.StompConfig;
import io.starling.codec.Topics;
import io.starling.stomp.frame.FrameException;

/**
 * How STOMP destinations name MQTT topics. Under the topic prefix ({@code /topic/a.b}) the levels are separated by
 * the configured separator and {@code *} stands for one level: {@code /topic/a.*} is {@code a/+}, {@code /topic/a.#}
 * is {@code a/#}. Under the queue prefix ({@code /queue/jobs}) a SEND publishes to the topic ({@code jobs}) and a
 * SUBSCRIBE joins the shared group {@code $queue/jobs}, so that each message goes to one of the queue's
 * subscribers. Any other destination is the MQTT topic or filter itself ({@code a/b/+}, {@code $share/g/a/#}).
 */
final class Destinations {
    /** How a subscription named its destination: MESSAGE frames name theirs the same way. */
    enum Style { TOPIC, QUEUE, PLAIN }

    private final String topicPrefix;
    private final String queuePrefix;
    private final boolean dots;

    Destinations(String topicPrefix, String queuePrefix, String separator) {
        this.topicPrefix = topicPrefix;
        this.queuePrefix = queuePrefix;
        this.dots = separator.equals(".");
    }

    static Destinations of(StompConfig config) {
        return new Destinations(config.topicPrefix(), config.queuePrefix(), config.separator());
    }

    Style style(String destination) {
        if (!topicPrefix.isEmpty() && destination.startsWith(topicPrefix)) {
            return Style.TOPIC;
        }
        if (!queuePrefix.isEmpty() && destination.startsWith(queuePrefix)) {
            return Style.QUEUE;
        }
        return Style.PLAIN;
    }

    /** The topic a SEND to {@code destination} publishes to; throws when it names no valid topic. */
    String topicFor(String destination) {
        String topic = switch (style(destination)) {
            case TOPIC -> levels(destination.substring(topicPrefix.length()));
            case QUEUE -> levels(destination.substring(queuePrefix.length()));
            case PLAIN -> destination;
        };
        if (!Topics.isValidTopicName(topic)) {
            throw new FrameException("destination '" + destination + "' is not a valid topic to send to (MQTT topic '"
                    + topic + "': no wildcards, not empty)");
        }
        return topic;
    }

    /** The MQTT subscription filter (with its shared group, if any) a SUBSCRIBE to {@code destination} makes. */
    String filterFor(String destination) {
        String filter = switch (style(destination)) {
            case TOPIC -> levels(destination.substring(topicPrefix.length()));
            case QUEUE -> Topics.QUEUE_PREFIX + levels(destination.substring(queuePrefix.length()));
            case PLAIN -> destination;
        };
        if (!Topics.isValidTopicFilter(filter)) {
            throw new FrameException("destination '" + destination + "' is not a valid subscription (MQTT filter '"
                    + filter + "')");
        }
        return filter;
    }

    /** The destination a MESSAGE on {@code topic} names, for a subscription of {@code style}. */
    String destinationFor(String topic, Style style) {
        return switch (style) {
            case TOPIC -> topicPrefix + (dots ? topic.replace('/', '.') : topic);
            case QUEUE -> queuePrefix + (dots ? topic.replace('/', '.') : topic);
            case PLAIN -> topic;
        };
    }

    /** {@code a.b.*} to {@code a/b/+} (with the dot separator), {@code a/*} to {@code a/+} (with the slash). */
    private String levels(String rest) {
        String slashed = dots ? rest.replace('.', '/') : rest;
        if (slashed.indexOf('*') < 0) {
            return slashed;
        }
        StringBuilder b = new StringBuilder(slashed.length());
        String[] parts = slashed.split("/", -1);
        for (int i = 0; i < parts.length; i++) {
            b.append(i == 0 ? "" : "/").append(parts[i].equals("*") ? "+" : parts[i]);
        }
        return b.toString();
    }
}
