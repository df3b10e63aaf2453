package io.starling.stomp.frame;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Header escaping, by version: 1.2 escapes CR, LF, colon and backslash ({@code \r \n \c \\}); 1.1 all but CR;
 * 1.0 nothing. CONNECT and CONNECTED frames are never escaped, in any version, so that a 1.0 peer can read them.
 */
public final class StompEscaping {
    private StompEscaping() {
    }

    /** The frame with its headers as they mean; throws {@link FrameException} on an escape the version lacks. */
    public static StompFrame decode(StompFrame received, StompVersion version) {
        if (!escapes(received.command(), version)) {
            return received;
        }
        boolean any = false;
        for (Map.Entry<String, String> e : received.headers().entrySet()) {
            any |= e.getKey().indexOf('\\') >= 0 || e.getValue().indexOf('\\') >= 0;
        }
        if (!any) {
            return received;
        }
        Map<String, String> h = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : received.headers().entrySet()) {
            h.putIfAbsent(unescape(e.getKey(), version), unescape(e.getValue(), version));
        }
        return new StompFrame(received.command(), h, received.body());
    }

    /** The frame with its headers as they travel to a peer of {@code version}. */
    public static StompFrame encode(StompFrame frame, StompVersion version) {
        boolean escapes = escapes(frame.command(), version);
        boolean any = false;
        for (Map.Entry<String, String> e : frame.headers().entrySet()) {
            any |= needsWork(e.getKey(), escapes) || needsWork(e.getValue(), escapes);
        }
        if (!any) {
            return frame;
        }
        Map<String, String> h = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : frame.headers().entrySet()) {
            h.put(escape(e.getKey(), version, escapes, true), escape(e.getValue(), version, escapes, false));
        }
        return new StompFrame(frame.command(), h, frame.body());
    }

    private static boolean escapes(String command, StompVersion version) {
        return version.atLeast11() && !command.equals("CONNECT") && !command.equals("STOMP")
                && !command.equals("CONNECTED");
    }

    private static boolean needsWork(String s, boolean escapes) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n' || c == '\r' || (escapes && (c == ':' || c == '\\'))) {
                return true;
            }
        }
        return false;
    }

    static String unescape(String s, StompVersion version) {
        int i = s.indexOf('\\');
        if (i < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        b.append(s, 0, i);
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (i + 1 >= s.length()) {
                throw new FrameException("header ends with a lone backslash (escape it as \\\\)");
            }
            char next = s.charAt(++i);
            switch (next) {
                case 'n' -> b.append('\n');
                case 'c' -> b.append(':');
                case '\\' -> b.append('\\');
                case 'r' -> {
                    if (version != StompVersion.V1_2) {
                        throw new FrameException("undefined escape sequence \\r in a STOMP 1.1 header");
                    }
                    b.append('\r');
                }
                default -> throw new FrameException("undefined escape sequence \\" + next + " in a header");
            }
        }
        return b.toString();
    }

    /**
     * Escapes what the version can; what it cannot carry (CR or LF in 1.0, CR in 1.1, a colon in a 1.0 name)
     * becomes a space, so that the frame stays well formed.
     */
    private static String escape(String s, StompVersion version, boolean escapes, boolean name) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!escapes) {
                b.append(c == '\n' || c == '\r' || (name && c == ':') ? ' ' : c);
                continue;
            }
            switch (c) {
                case '\n' -> b.append("\\n");
                case ':' -> b.append("\\c");
                case '\\' -> b.append("\\\\");
                case '\r' -> b.append(version == StompVersion.V1_2 ? "\\r" : " ");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
