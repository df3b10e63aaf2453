package io.starling.broker.config;

import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * The {@code stomp} section: the STOMP gateway of module {@code starling-stomp}, its ports, limits, heart-beats and
 * how destinations map to MQTT topics. Off by default: it opens ports of its own.
 *
 * @param tcp                  the plain TCP listener, or null when off
 * @param ssl                  the TLS listener, or null when off
 * @param maxConnections       STOMP connections the gateway holds at most, over both listeners
 * @param connectTimeout       how long a new connection has to send CONNECT
 * @param maxFrameBytes        one frame's command, headers and body together, at most
 * @param maxHeaders           headers in one frame, at most
 * @param maxHeaderBytes       one header line (name, colon and value), at most
 * @param maxInflight          MESSAGE frames awaiting ACK per connection before the node waits for one
 * @param maxTransactions      open transactions per connection
 * @param maxTransactionFrames SEND, ACK and NACK frames one transaction holds until COMMIT
 * @param sendQos              the MQTT QoS a SEND is published with unless its {@code qos} header says otherwise
 * @param heartbeatSend        how often the node offers to send heart-beats (sx); zero: never
 * @param heartbeatReceive     how often the node asks the client for heart-beats (sy); zero: never
 * @param heartbeatTolerance   the client is dropped after this many times the negotiated interval of silence
 * @param topicPrefix          destinations under this prefix name MQTT topics with {@code separator} between levels
 * @param queuePrefix          destinations under this prefix are queues: one shared group ({@code $queue/}) each
 * @param separator            the level separator in prefixed destinations ({@code .} or {@code /})
 * @param sockjs               STOMP over SockJS (and plain WebSocket) for browsers, on a port of its own
 */
public record StompConfig(boolean enabled, Endpoint tcp, Endpoint ssl, int maxConnections, Duration connectTimeout,
        int maxFrameBytes, int maxHeaders, int maxHeaderBytes, int maxInflight, int maxTransactions,
        int maxTransactionFrames, int sendQos, Duration heartbeatSend, Duration heartbeatReceive,
        double heartbeatTolerance, String topicPrefix, String queuePrefix, String separator, SockJs sockjs) {

    /** Where a listener binds; {@code tls} is null for plain TCP. */
    public record Endpoint(String host, int port, TlsConfig tls) {
        public Endpoint withPort(int newPort) {
            return new Endpoint(host, newPort, tls);
        }
    }

    /**
     * The SockJS endpoint ({@code stomp.sockjs}).
     *
     * @param enabled          serve it (with the gateway on)
     * @param bind             where the HTTP listener binds
     * @param path             the SockJS prefix, such as {@code /stomp}: {@code <path>/info}, {@code <path>/websocket}...
     * @param heartbeat        how often an open receiving request gets the SockJS heartbeat frame {@code h}
     * @param disconnectDelay  a session with no receiving request for this long is closed
     * @param maxMessageBytes  one request body (xhr_send, jsonp_send) or WebSocket message, at most
     * @param maxBufferedBytes what one session holds for a client that is not receiving, at most; more closes it
     * @param tls              the TLS settings of {@code stomp.ssl} when {@code stomp.sockjs.tls} is on, else null
     */
    public record SockJs(boolean enabled, Endpoint bind, String path, Duration heartbeat, Duration disconnectDelay,
            int maxMessageBytes, int maxBufferedBytes, TlsConfig tls) {
        public SockJs withBind(Endpoint newBind) {
            return new SockJs(enabled, newBind, path, heartbeat, disconnectDelay, maxMessageBytes, maxBufferedBytes,
                    tls);
        }
    }

    /** The same settings with the TLS files resolved (against the installation). */
    public StompConfig under(UnaryOperator<java.nio.file.Path> resolve) {
        StompConfig c = ssl == null ? this : withSsl(new Endpoint(ssl.host(), ssl.port(), ssl.tls().under(resolve)));
        if (sockjs == null || sockjs.tls() == null) {
            return c;
        }
        SockJs s = sockjs;
        return c.withSockJs(new SockJs(s.enabled(), s.bind(), s.path(), s.heartbeat(), s.disconnectDelay(),
                s.maxMessageBytes(), s.maxBufferedBytes(), s.tls().under(resolve)));
    }

    public StompConfig withSockJs(SockJs newSockJs) {
        return new StompConfig(enabled, tcp, ssl, maxConnections, connectTimeout, maxFrameBytes, maxHeaders,
                maxHeaderBytes, maxInflight, maxTransactions, maxTransactionFrames, sendQos, heartbeatSend,
                heartbeatReceive, heartbeatTolerance, topicPrefix, queuePrefix, separator, newSockJs);
    }

    public StompConfig withTcp(Endpoint newTcp) {
        return new StompConfig(enabled, newTcp, ssl, maxConnections, connectTimeout, maxFrameBytes, maxHeaders,
                maxHeaderBytes, maxInflight, maxTransactions, maxTransactionFrames, sendQos, heartbeatSend,
                heartbeatReceive, heartbeatTolerance, topicPrefix, queuePrefix, separator, sockjs);
    }

    public StompConfig withSsl(Endpoint newSsl) {
        return new StompConfig(enabled, tcp, newSsl, maxConnections, connectTimeout, maxFrameBytes, maxHeaders,
                maxHeaderBytes, maxInflight, maxTransactions, maxTransactionFrames, sendQos, heartbeatSend,
                heartbeatReceive, heartbeatTolerance, topicPrefix, queuePrefix, separator, sockjs);
    }
}
