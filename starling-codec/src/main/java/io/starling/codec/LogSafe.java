package io.starling.codec;

/**
 * What a client sends (a client id, a username) as it may go into a log line: MQTT allows control characters in
 * those strings, and a client id holding a newline would otherwise write a line of its own choosing into the log.
 * Control characters (C0, DEL, C1), the Unicode line and paragraph separators and the bidirectional controls
 * become escapes: backslash n, r or t, else backslash, u and four hex digits; a backslash becomes two, so that an
 * escape in the log always means one.
 */
public final class LogSafe {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private LogSafe() {
    }

    /** {@code text} itself when there is nothing to escape (nothing allocated), else the escaped copy; null stays null. */
    public static String escape(String text) {
        if (text == null) {
            return null;
        }
        int first = 0;
        while (first < text.length() && !needsEscape(text.charAt(first))) {
            first++;
        }
        if (first == text.length()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 8).append(text, 0, first);
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!needsEscape(c)) {
                out.append(c);
                continue;
            }
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\\' -> out.append("\\\\");
                default -> out.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xF])
                        .append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
            }
        }
        return out.toString();
    }

    private static boolean needsEscape(char c) {
        if (c >= 0x20 && c < 0x7F) {
            return c == '\\';
        }
        return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == '\u2028' || c == '\u2029' || c == '\u200E'
                || c == '\u200F' || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');
    }
}
