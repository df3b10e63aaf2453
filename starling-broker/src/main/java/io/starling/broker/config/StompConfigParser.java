package io.starling.broker.config;

import static io.starling.broker.config.ConfigValues.invalid;
import static io.starling.broker.config.ConfigValues.nonNegativeDuration;
import static io.starling.broker.config.ConfigValues.positive;
import static io.starling.broker.config.ConfigValues.positiveDuration;

import com.typesafe.config.Config;

/** Reads {@code stomp.*}: the TLS block has the keys of a listener's {@code ssl} block and is checked the same way. */
final class StompConfigParser {
    private StompConfigParser() {
    }

    static StompConfig parse(Config c) {
        boolean enabled = c.getBoolean("stomp.enabled");
        StompConfig.Endpoint tcp = null;
        if (c.getBoolean("stomp.tcp.enabled")) {
            ConfigValues.HostPort bind = ConfigValues.hostPort(c, "stomp.tcp.bind");
            tcp = new StompConfig.Endpoint(bind.host(), bind.port(), null);
        }
        StompConfig.Endpoint ssl = null;
        if (c.getBoolean("stomp.ssl.enabled")) {
            ConfigValues.HostPort bind = ConfigValues.hostPort(c, "stomp.ssl.bind");
            TlsConfig tls = ListenerConfigParser.tls(c, "stomp.ssl");
            if (tls.certFile() == null && enabled) {
                throw invalid(c, "stomp.ssl.certfile", "must name the node's certificate (PEM) when stomp.ssl is on");
            }
            ssl = new StompConfig.Endpoint(bind.host(), bind.port(), tls);
        }
        StompConfig.SockJs sockjs = sockJs(c, enabled);
        if (enabled && tcp == null && ssl == null && !sockjs.enabled()) {
            throw invalid(c, "stomp.enabled",
                    "is true, but stomp.tcp, stomp.ssl and stomp.sockjs are all off: nothing to listen on");
        }
        int maxFrame = bytes(c, "stomp.max_frame_bytes");
        int maxHeaderBytes = bytes(c, "stomp.max_header_bytes");
        if (maxHeaderBytes > maxFrame) {
            throw invalid(c, "stomp.max_header_bytes", "must not be larger than stomp.max_frame_bytes (" + maxFrame + ")");
        }
        int sendQos = c.getInt("stomp.send_qos");
        if (sendQos < 0 || sendQos > 2) {
            throw invalid(c, "stomp.send_qos", "must be 0, 1 or 2, was " + sendQos);
        }
        double tolerance = c.getDouble("stomp.heartbeat.tolerance");
        if (tolerance < 1) {
            throw invalid(c, "stomp.heartbeat.tolerance", "must be at least 1 (a multiple of the negotiated interval)");
        }
        String topicPrefix = c.getString("stomp.destinations.topic_prefix");
        String queuePrefix = c.getString("stomp.destinations.queue_prefix");
        if (!topicPrefix.isEmpty() && topicPrefix.equals(queuePrefix)) {
            throw invalid(c, "stomp.destinations.queue_prefix", "must differ from topic_prefix");
        }
        String separator = c.getString("stomp.destinations.separator");
        if (!separator.equals(".") && !separator.equals("/")) {
            throw invalid(c, "stomp.destinations.separator", "must be \".\" or \"/\", was '" + separator + "'");
        }
        return new StompConfig(enabled, tcp, ssl, positive(c, "stomp.max_connections"),
                positiveDuration(c, "stomp.connect_timeout"), maxFrame, positive(c, "stomp.max_headers"),
                maxHeaderBytes, positive(c, "stomp.max_inflight"), positive(c, "stomp.max_transactions"),
                positive(c, "stomp.max_transaction_frames"), sendQos, nonNegativeDuration(c, "stomp.heartbeat.send"),
                nonNegativeDuration(c, "stomp.heartbeat.receive"), tolerance, topicPrefix, queuePrefix, separator, sockjs);
    }

    private static StompConfig.SockJs sockJs(Config c, boolean stompEnabled) {
        boolean on = c.getBoolean("stomp.sockjs.enabled");
        ConfigValues.HostPort bind = ConfigValues.hostPort(c, "stomp.sockjs.bind");
        String path = c.getString("stomp.sockjs.path");
        if (!path.startsWith("/") || path.endsWith("/") && path.length() > 1 || path.contains("?")
                || path.contains("#")) {
            throw invalid(c, "stomp.sockjs.path", "must start with '/' and not end with one, was '" + path + "'");
        }
        TlsConfig tls = null;
        if (c.getBoolean("stomp.sockjs.tls")) {
            tls = ListenerConfigParser.tls(c, "stomp.ssl");
            if (tls.certFile() == null && on && stompEnabled) {
                throw invalid(c, "stomp.sockjs.tls", "is on, but stomp.ssl.certfile names no certificate (PEM)");
            }
        }
        int maxMessage = bytes(c, "stomp.sockjs.max_message_bytes");
        int maxBuffered = bytes(c, "stomp.sockjs.max_buffered_bytes");
        return new StompConfig.SockJs(on, new StompConfig.Endpoint(bind.host(), bind.port(), tls),
                path.equals("/") ? "" : path, positiveDuration(c, "stomp.sockjs.heartbeat"),
                positiveDuration(c, "stomp.sockjs.disconnect_delay"), maxMessage, maxBuffered, tls);
    }

    private static int bytes(Config c, String path) {
        long v = c.getBytes(path);
        if (v < 16 || v > Integer.MAX_VALUE - 16) {
            throw invalid(c, path, "must be between 16 bytes and 2GB");
        }
        return (int) v;
    }
}
