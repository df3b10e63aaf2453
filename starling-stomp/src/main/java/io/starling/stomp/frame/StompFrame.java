package io.starling.stomp.frame;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One STOMP frame: its command, its headers in order (a repeated header keeps its first value, as the
 * specification says), and its body. Header names and values are as they travel or as they mean, depending on
 * where the frame is: the decoder gives them as received and {@link StompEscaping} turns them into what they mean
 * for the connection's version, and back. Callers must not modify the body.
 */
public record StompFrame(String command, Map<String, String> headers, byte[] body) {
    public static final byte[] NO_BODY = new byte[0];

    public StompFrame {
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        body = body == null ? NO_BODY : body;
    }

    public String header(String name) {
        return headers.get(name);
    }

    public String header(String name, String fallback) {
        String v = headers.get(name);
        return v == null ? fallback : v;
    }

    /** The same frame without one header (a SEND taken out of its transaction). */
    public StompFrame without(String name) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.remove(name);
        return new StompFrame(command, h, body);
    }

    /** Builds frames the node sends. */
    public static Builder builder(String command) {
        return new Builder(command);
    }

    @Override
    public String toString() {
        return command + headers + (body.length == 0 ? "" : " (" + body.length + " bytes)");
    }

    public static final class Builder {
        private final String command;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private byte[] body = NO_BODY;

        private Builder(String command) {
            this.command = command;
        }

        /** Adds a header unless the value is null; the first value of a name wins. */
        public Builder header(String name, String value) {
            if (value != null) {
                headers.putIfAbsent(name, value);
            }
            return this;
        }

        public Builder body(byte[] bytes) {
            this.body = bytes;
            return this;
        }

        public Builder text(String text) {
            return body(text.getBytes(StandardCharsets.UTF_8));
        }

        public StompFrame build() {
            return new StompFrame(command, headers, body);
        }
    }
}
