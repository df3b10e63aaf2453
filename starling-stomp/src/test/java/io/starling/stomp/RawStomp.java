package io.starling.stomp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.starling.stomp.frame.FrameLimits;
import io.starling.stomp.frame.FrameParser;
import io.starling.stomp.frame.StompFrame;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A STOMP client on a plain socket: exact bytes out, frames (headers as received, still escaped) in. */
final class RawStomp implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final ByteBuf buffer = Unpooled.buffer();
    private final FrameParser parser = new FrameParser(new FrameLimits(16 << 20, 1000, 1 << 20));

    RawStomp(int port) {
        this(plain(port));
    }

    /** Over a socket already open (a TLS one). */
    RawStomp(Socket open) {
        try {
            socket = open;
            socket.setSoTimeout(5000);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Socket plain(int port) {
        try {
            return new Socket("127.0.0.1", port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the text as UTF-8; "^@" stands for the NUL octet that ends a frame. */
    RawStomp write(String text) {
        return writeBytes(text.replace("^@", "\0").getBytes(StandardCharsets.UTF_8));
    }

    RawStomp writeBytes(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Connects as STOMP 1.2 (no heart-beats) and returns CONNECTED. */
    StompFrame connect(String extraHeaders) {
        write("CONNECT\naccept-version:1.2\nhost:starling\n" + extraHeaders + "\n^@");
        return read();
    }

    /** The next frame; fails after 5 s without one. */
    StompFrame read() {
        byte[] chunk = new byte[8192];
        try {
            while (true) {
                StompFrame f = parser.next(buffer);
                if (f != null) {
                    return f;
                }
                int n = in.read(chunk);
                if (n < 0) {
                    throw new IllegalStateException("connection closed before a whole frame came");
                }
                buffer.writeBytes(chunk, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Heart-beats (EOLs) received so far. */
    long heartbeats() {
        return parser.heartbeats();
    }

    /**
     * True once the node closed the connection with nothing more sent after what was read; false if it sent more
     * (a second ERROR) or is still open after 5 s.
     */
    boolean closedByNode() {
        if (buffer.isReadable()) {
            return false;
        }
        byte[] chunk = new byte[8192];
        try {
            return in.read(chunk) < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    /** Waits up to {@code millis} for the next frame: null when none comes. */
    StompFrame poll(int millis) {
        try {
            socket.setSoTimeout(millis);
            return read();
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof SocketTimeoutException) {
                return null;
            }
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                socket.setSoTimeout(5000);
            } catch (IOException ignored) {
                // closed
            }
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        if (buffer.refCnt() > 0) {
            buffer.release();
        }
    }
}
