package io.starling.bench.load;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.starling.codec.MqttVersion;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;
import picocli.CommandLine.Option;

/** How clients reach the broker and what they send in CONNECT: shared by every mode. */
final class ConnectionOptions {
    @Option(names = {"-h", "--host"}, defaultValue = "localhost", description = "Broker host (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = {"-p", "--port"}, defaultValue = "1883", description = "Broker port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = {"-V", "--protocol-version"}, defaultValue = "5",
            description = "MQTT protocol level: 3 (3.1), 4 (3.1.1) or 5 (default: ${DEFAULT-VALUE}).")
    int protocolLevel;

    @Option(names = {"-n", "--startnumber"}, defaultValue = "0", description = "Number of the first client (%%i).")
    int startNumber;

    @Option(names = {"-i", "--interval"}, defaultValue = "10",
            description = "Milliseconds between connection attempts (default: ${DEFAULT-VALUE}); 0 connects as fast as --max-pending allows.")
    double intervalMillis;

    @Option(names = "--max-pending", defaultValue = "200",
            description = "Connections awaiting CONNACK at once (default: ${DEFAULT-VALUE}).")
    int maxPending;

    @Option(names = {"-u", "--username"}, description = "Username in CONNECT.")
    String username;

    @Option(names = {"-P", "--password"}, description = "Password in CONNECT.")
    String password;

    @Option(names = {"-k", "--keepalive"}, defaultValue = "300", description = "Keep-alive seconds (default: ${DEFAULT-VALUE}).")
    int keepAlive;

    @Option(names = {"-C", "--clean"}, defaultValue = "true", arity = "1",
            description = "Clean start / clean session (default: ${DEFAULT-VALUE}).")
    boolean cleanStart;

    @Option(names = {"-x", "--session-expiry"}, defaultValue = "0",
            description = "MQTT 5 session expiry seconds (default: ${DEFAULT-VALUE}).")
    long sessionExpiry;

    @Option(names = "--prefix", defaultValue = "bench", description = "Client id prefix (default: ${DEFAULT-VALUE}).")
    String prefix;

    @Option(names = "--ifaddr", split = ",", description = "Local addresses to bind, round robin (e.g. 127.0.0.2,127.0.0.3).")
    List<String> localAddresses = new ArrayList<>();

    @Option(names = {"-S", "--ssl"}, description = "Connect with TLS.")
    boolean tls;

    @Option(names = "--cafile", description = "PEM file of the CA that signed the broker's certificate.")
    File caFile;

    @Option(names = "--certfile", description = "PEM client certificate, for mutual TLS.")
    File certFile;

    @Option(names = "--keyfile", description = "PEM (PKCS#8) client key, for mutual TLS.")
    File keyFile;

    @Option(names = "--insecure", description = "Trust any server certificate (testing only).")
    boolean insecure;

    @Option(names = "--ws", description = "Connect over WebSocket (wss with --ssl).")
    boolean webSocket;

    @Option(names = "--ws-path", defaultValue = "/mqtt", description = "WebSocket path (default: ${DEFAULT-VALUE}).")
    String webSocketPath;

    @Option(names = "--sndbuf", defaultValue = "0",
            description = "SO_SNDBUF of each client socket in bytes; 0 leaves it to the OS. A small one keeps flat-out publishers from piling data into kernel buffers.")
    int sendBuffer;

    @Option(names = "--rcvbuf", defaultValue = "0", description = "SO_RCVBUF of each client socket in bytes; 0 leaves it to the OS.")
    int receiveBuffer;

    @Option(names = "--io-threads", defaultValue = "0", description = "Event loop threads; 0 = one per core.")
    int ioThreads;

    MqttVersion version() {
        return switch (protocolLevel) {
            case 3 -> MqttVersion.MQTT_3_1;
            case 4 -> MqttVersion.MQTT_3_1_1;
            case 5 -> MqttVersion.MQTT_5;
            default -> throw new IllegalArgumentException("--protocol-version must be 3, 4 or 5, not " + protocolLevel);
        };
    }

    ClientProfile profile() {
        return new ClientProfile(version(), keepAlive, cleanStart, sessionExpiry, username,
                password == null ? null : password.getBytes(StandardCharsets.UTF_8));
    }

    String clientId(String role, int number) {
        return prefix + "-" + role + "-" + number;
    }

    Connector connector() throws SSLException {
        int threads = ioThreads > 0 ? ioThreads : Runtime.getRuntime().availableProcessors();
        return new Connector(host, port, threads, tls ? sslContext() : null, webSocket ? webSocketPath : null,
                localAddresses, sendBuffer, receiveBuffer);
    }

    private SslContext sslContext() throws SSLException {
        SslContextBuilder builder = SslContextBuilder.forClient();
        if (insecure) {
            builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
        } else if (caFile != null) {
            builder.trustManager(caFile);
        }
        if (certFile != null && keyFile != null) {
            builder.keyManager(certFile, keyFile);
        }
        return builder.build();
    }

    /** Expands {@code %i} (client number) and {@code %c} (client id) in a topic template. */
    static String expand(String template, int number, String clientId) {
        return template.replace("%i", Integer.toString(number)).replace("%c", clientId);
    }
}
