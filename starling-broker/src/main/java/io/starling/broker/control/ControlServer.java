package io.starling.broker.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local control socket that {@code bin/starling-ctl} talks to: a Unix domain socket in the data directory,
 * readable by the node's user only, one JSON request line and one JSON answer line per connection. Commands run
 * one at a time on its own thread, never on a network thread.
 */
public final class ControlServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_REQUEST = 64 * 1024;

    private final Path socket;
    private final ControlCommands commands;
    private ServerSocketChannel server;
    private Thread thread;

    public ControlServer(Path socket, ControlCommands commands) {
        this.socket = socket;
        this.commands = commands;
    }

    public void start() {
        try {
            Files.deleteIfExists(socket); // left by a node that was killed: nothing listens on it
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            try {
                Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                LOG.debug("control socket {}: no POSIX permissions here", socket);
            }
        } catch (IOException e) {
            LOG.warn("no control socket at {} ({}): bin/starling-ctl cannot reach this node", socket, e.getMessage());
            server = null;
            return;
        }
        thread = new Thread(this::serve, "starling-control");
        thread.setDaemon(true);
        thread.start();
        LOG.debug("control socket at {}", socket);
    }

    private void serve() {
        while (server.isOpen()) {
            try (SocketChannel client = server.accept()) {
                answer(client);
            } catch (IOException e) {
                if (server.isOpen()) {
                    LOG.debug("control connection: {}", e.toString());
                }
            } catch (RuntimeException e) {
                LOG.warn("control command failed", e);
            }
        }
    }

    private void answer(SocketChannel client) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(client),
                StandardCharsets.UTF_8), 8192);
        String line = readLine(in);
        ControlCommands.Reply reply;
        try {
            JsonNode request = JSON.readTree(line);
            List<String> args = new ArrayList<>();
            request.path("args").forEach(a -> args.add(a.asText()));
            JsonNode input = request.get("input");
            reply = commands.run(args, input == null || input.isNull() ? null : input.asText());
        } catch (IOException e) {
            reply = new ControlCommands.Reply(ControlCommands.USAGE, "not a control request: " + e.getMessage(),
                    Map.of("error", "bad request"));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("code", reply.code());
        out.put("output", reply.output());
        out.put("data", reply.data());
        OutputStream os = Channels.newOutputStream(client);
        os.write(JSON.writeValueAsBytes(out));
        os.write('\n');
        os.flush();
    }

    private static String readLine(BufferedReader in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (b.length() >= MAX_REQUEST) {
                throw new IOException("request longer than " + MAX_REQUEST + " characters");
            }
            b.append((char) c);
        }
        return b.toString();
    }

    @Override
    public void close() {
        if (server == null) {
            return;
        }
        try {
            server.close();
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.debug("closing the control socket: {}", e.toString());
        }
    }
}
