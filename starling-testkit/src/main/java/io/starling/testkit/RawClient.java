package io.starling.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.starling.codec.MqttDecoder;
import io.starling.codec.MqttProperties;
import io.starling.codec.MqttVersion;
import io.starling.codec.PacketEncoder;
import io.starling.codec.packet.ConnAckPacket;
import io.starling.codec.packet.ConnectPacket;
import io.starling.codec.packet.MqttPacket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A raw-packet MQTT client for black-box tests: sends exact bytes or packets, reads packets back with the
 * project's codec, and can tell when the server closed the connection.
 */
public final class RawClient implements AutoCloseable {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final MqttVersion version;
    private final EmbeddedChannel decoder;

    private RawClient(Socket socket, MqttVersion version) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.version = version;
        this.decoder = new EmbeddedChannel(MqttDecoder.forClient(Integer.MAX_VALUE, version));
    }

    /** Opens a TCP connection; nothing is sent yet. */
    public static RawClient open(int port, MqttVersion version) {
        try {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setTcpNoDelay(true);
            return new RawClient(socket, version);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Opens a connection and completes CONNECT/CONNACK with a clean start; fails unless accepted. */
    public static RawClient connect(int port, MqttVersion version, String clientId) {
        RawClient client = open(port, version);
        client.send(new ConnectPacket(version, clientId, true, 60, null, null, null, MqttProperties.NONE));
        MqttPacket answer = client.receive();
        if (!(answer instanceof ConnAckPacket ack) || ack.reasonCode() != 0) {
            client.close();
            throw new AssertionError("connection not accepted: " + answer);
        }
        return client;
    }

    public MqttVersion version() {
        return version;
    }

    /** The client's port: the node sees the connection as coming from it. */
    public int localPort() {
        return socket.getLocalPort();
    }

    public void send(MqttPacket packet) {
        sendTogether(packet);
    }

    /** Sends the packets in one write, so that the server reads them together (one TCP segment on loopback). */
    public void sendTogether(MqttPacket... packets) {
        ByteBuf buf = Unpooled.buffer();
        try {
            for (MqttPacket packet : packets) {
                PacketEncoder.encode(packet, version, buf);
            }
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            sendBytes(bytes);
        } finally {
            buf.release();
        }
    }

    /** Sends bytes exactly as given. */
    public void sendBytes(byte... bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends bytes given as hex, spaces allowed: {@code "10 0c 00 04 4d 51 54 54"}. */
    public void sendHex(String hex) {
        sendBytes(Hex.decode(hex));
    }

    /**
     * Reads the next bytes from the socket and fails unless they are exactly {@code hex}. Use it before any
     * {@link #receive}: bytes already taken by the packet decoder are not seen again.
     */
    public void expectHex(String hex) {
        byte[] expected = Hex.decode(hex);
        byte[] actual = new byte[expected.length];
        int read = 0;
        try {
            socket.setSoTimeout((int) DEFAULT_TIMEOUT.toMillis());
            while (read < actual.length) {
                int n = in.read(actual, read, actual.length - read);
                if (n < 0) {
                    break;
                }
                read += n;
            }
        } catch (IOException e) {
            throw new AssertionError("reading " + hex + " failed after " + read + " bytes: " + e, e);
        }
        if (read < actual.length || !Arrays.equals(expected, actual)) {
            throw new AssertionError("expected bytes [" + Hex.encode(expected) + "] but read ["
                    + Hex.encode(Arrays.copyOf(actual, read)) + "]");
        }
    }

    public MqttPacket receive() {
        return receive(DEFAULT_TIMEOUT);
    }

    /** The next packet; fails if none arrives in time or the connection closes first. */
    public MqttPacket receive(Duration timeout) {
        MqttPacket packet = poll(timeout);
        if (packet == null) {
            throw new AssertionError("no packet within " + timeout);
        }
        return packet;
    }

    /** The next packet of the given type, failing on any other. */
    public <T extends MqttPacket> T receive(Class<T> type) {
        return receive(type, DEFAULT_TIMEOUT);
    }

    /** The next packet, which must be of {@code type}, within {@code timeout}. */
    public <T extends MqttPacket> T receive(Class<T> type, Duration timeout) {
        MqttPacket packet = receive(timeout);
        if (!type.isInstance(packet)) {
            throw new AssertionError("expected " + type.getSimpleName() + " but got " + packet);
        }
        return type.cast(packet);
    }

    /** The next packet, or null if none arrived within the timeout. Fails if the connection closed. */
    public MqttPacket poll(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] chunk = new byte[8192];
        while (true) {
            Object decoded = decoder.readInbound();
            if (decoded != null) {
                return (MqttPacket) decoded;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            try {
                socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
                int n = in.read(chunk);
                if (n < 0) {
                    throw new AssertionError("connection closed by the server");
                }
                decoder.writeInbound(Unpooled.copiedBuffer(chunk, 0, n));
            } catch (SocketTimeoutException e) {
                return null;
            } catch (IOException e) {
                throw new AssertionError("connection failed: " + e, e);
            }
        }
    }

    /**
     * Waits until the server closes the connection; returns the packets it sent before (for example a
     * DISCONNECT with a reason code). Fails if the connection is still open after the timeout.
     */
    public List<MqttPacket> awaitClosed(Duration timeout) {
        List<MqttPacket> before = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] chunk = new byte[8192];
        while (true) {
            Object decoded;
            while ((decoded = decoder.readInbound()) != null) {
                before.add((MqttPacket) decoded);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("connection still open after " + timeout + "; received " + before);
            }
            try {
                socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
                int n = in.read(chunk);
                if (n < 0) {
                    return before;
                }
                decoder.writeInbound(Unpooled.copiedBuffer(chunk, 0, n));
            } catch (SocketTimeoutException e) {
                // loop to the deadline check
            } catch (IOException e) {
                return before;
            }
        }
    }

    public List<MqttPacket> awaitClosed() {
        return awaitClosed(DEFAULT_TIMEOUT);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing a test socket cannot fail in a way that matters
        }
        decoder.finishAndReleaseAll();
    }
}
