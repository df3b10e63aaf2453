package io.starling.stomp.frame;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Writes a frame whose headers are already as they travel ({@link StompEscaping#encode}). */
public final class FrameWriter {
    private FrameWriter() {
    }

    public static void write(StompFrame frame, ByteBuf out) {
        out.writeCharSequence(frame.command(), StandardCharsets.UTF_8);
        out.writeByte('\n');
        for (Map.Entry<String, String> e : frame.headers().entrySet()) {
            out.writeCharSequence(e.getKey(), StandardCharsets.UTF_8);
            out.writeByte(':');
            out.writeCharSequence(e.getValue(), StandardCharsets.UTF_8);
            out.writeByte('\n');
        }
        out.writeByte('\n');
        out.writeBytes(frame.body());
        out.writeByte(0);
    }

    /** A rough size to allocate for the frame. */
    public static int estimate(StompFrame frame) {
        int n = frame.command().length() + 3 + frame.body().length;
        for (Map.Entry<String, String> e : frame.headers().entrySet()) {
            n += e.getKey().length() + e.getValue().length() + 2;
        }
        return n + 16;
    }
}
