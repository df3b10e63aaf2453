package io.starling.stomp.frame;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads frames from a stream of bytes, whatever carries them (a TCP connection, later SockJS messages): EOLs
 * between frames are heart-beats, a body is {@code content-length} bytes when the header says so and up to the
 * first NUL otherwise. Headers come out as received (still escaped): only the protocol knows the version. Every
 * limit is checked before the bytes it concerns are buffered beyond it. Not thread-safe: one per connection.
 */
public final class FrameParser {
    private final FrameLimits limits;
    /** The frame whose headers are read and whose body is awaited, or null between frames. */
    private String command;
    private Map<String, String> headers;
    private int contentLength;
    private int headerBytes;
    /** How far the search for the body's NUL got, from the start of the body. */
    private int scanned;
    /** The command and header lines of the frame being read, consumed as they came, before its blank line. */
    private String pendingCommand;
    private Map<String, String> pendingHeaders;
    private int pendingLines;
    private int pendingBytes;
    private long heartbeats;

    public FrameParser(FrameLimits limits) {
        this.limits = limits;
    }

    /** End-of-line heart-beats seen so far. */
    public long heartbeats() {
        return heartbeats;
    }

    /**
     * The next whole frame in {@code in} (its bytes consumed), or null when more bytes are needed. Throws
     * {@link FrameException} on a frame that breaks the syntax or a limit; the stream cannot go on after that.
     */
    public StompFrame next(ByteBuf in) {
        if (command == null && !readHeaders(in)) {
            return null;
        }
        byte[] body;
        int maxBody = limits.maxFrameBytes() - headerBytes;
        if (contentLength >= 0) {
            if (contentLength > maxBody) {
                throw new FrameException("frame larger than " + limits.maxFrameBytes() + " bytes (content-length "
                        + contentLength + ")");
            }
            if (in.readableBytes() < contentLength + 1) {
                return null;
            }
            body = new byte[contentLength];
            in.readBytes(body);
            if (in.readByte() != 0) {
                throw new FrameException("the body of " + contentLength + " bytes (content-length) is not followed by"
                        + " a NUL octet");
            }
        } else {
            int start = in.readerIndex();
            int nul = in.indexOf(start + scanned, in.writerIndex(), (byte) 0);
            if (nul < 0) {
                scanned = in.readableBytes();
                if (scanned > maxBody) {
                    throw new FrameException("frame larger than " + limits.maxFrameBytes() + " bytes");
                }
                return null;
            }
            if (nul - start > maxBody) {
                throw new FrameException("frame larger than " + limits.maxFrameBytes() + " bytes");
            }
            body = new byte[nul - start];
            in.readBytes(body);
            in.skipBytes(1);
        }
        StompFrame frame = new StompFrame(command, headers, body);
        command = null;
        headers = null;
        return frame;
    }

    /**
     * Skips heart-beats and reads a command and its headers; false when they are not all here yet. Each whole line
     * is consumed as it comes, so a header block trickled in a byte at a time is read once, not again at each read.
     */
    private boolean readHeaders(ByteBuf in) {
        if (pendingCommand == null && !skipHeartbeats(in)) {
            return false;
        }
        int end = in.writerIndex();
        while (true) {
            int pos = in.readerIndex();
            int lf = in.indexOf(pos, Math.min(end, pos + limits.maxHeaderBytes() + 2), (byte) '\n');
            if (lf < 0) {
                if (end - pos > limits.maxHeaderBytes() + 1) {
                    throw new FrameException(pendingCommand == null ? "command line longer than "
                            + limits.maxHeaderBytes() + " bytes" : "header line longer than " + limits.maxHeaderBytes()
                            + " bytes");
                }
                if (pendingBytes + end - pos > limits.maxFrameBytes()) {
                    throw new FrameException("frame larger than " + limits.maxFrameBytes() + " bytes");
                }
                return false;
            }
            int lineEnd = lf > pos && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
            if (lineEnd - pos > limits.maxHeaderBytes()) {
                throw new FrameException("header line longer than " + limits.maxHeaderBytes() + " bytes");
            }
            String line = in.toString(pos, lineEnd - pos, StandardCharsets.UTF_8);
            in.readerIndex(lf + 1);
            pendingBytes += lf + 1 - pos;
            if (pendingBytes > limits.maxFrameBytes()) {
                throw new FrameException("frame larger than " + limits.maxFrameBytes() + " bytes");
            }
            if (pendingCommand == null) {
                if (line.isEmpty() || !isCommand(line)) {
                    throw new FrameException("not a STOMP command: '" + printable(line) + "'");
                }
                pendingCommand = line;
                pendingHeaders = new LinkedHashMap<>();
                pendingLines = 0;
                continue;
            }
            if (line.isEmpty()) {
                break;
            }
            if (++pendingLines > limits.maxHeaders()) {
                throw new FrameException("more than " + limits.maxHeaders() + " headers");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new FrameException("header line without a name and a colon: '" + printable(line) + "'");
            }
            // The first colon ends the name: a value may hold more (1.0 and 1.1 do not escape them; a passcode
            // in CONNECT never is escaped).
            pendingHeaders.putIfAbsent(line.substring(0, colon), line.substring(colon + 1));
        }
        String length = pendingHeaders.get("content-length");
        int len = -1;
        if (length != null) {
            try {
                len = Integer.parseInt(length.trim());
            } catch (NumberFormatException e) {
                len = -2;
            }
            if (len < 0) {
                throw new FrameException("content-length is not a number of bytes: '" + printable(length) + "'");
            }
        }
        command = pendingCommand;
        headers = pendingHeaders;
        contentLength = len;
        headerBytes = pendingBytes;
        scanned = 0;
        pendingCommand = null;
        pendingHeaders = null;
        pendingBytes = 0;
        return true;
    }

    /** Skips the EOLs between frames; false when nothing else is here yet. */
    private boolean skipHeartbeats(ByteBuf in) {
        while (in.isReadable()) {
            byte b = in.getByte(in.readerIndex());
            if (b == '\n') {
                in.skipBytes(1);
                heartbeats++;
            } else if (b == '\r') {
                if (in.readableBytes() < 2) {
                    return false;
                }
                if (in.getByte(in.readerIndex() + 1) != '\n') {
                    throw new FrameException("a CR not followed by LF between frames");
                }
                in.skipBytes(2);
                heartbeats++;
            } else {
                return true;
            }
        }
        return false;
    }

    private static boolean isCommand(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c < 'A' || c > 'Z') {
                return false;
            }
        }
        return line.length() <= 16;
    }

    /** For error messages: short, without control characters. */
    static String printable(String s) {
        String cut = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        StringBuilder b = new StringBuilder(cut.length());
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return b.toString();
    }
}
