package io.starling.stomp.sockjs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The SockJS 0.3 frames ({@code o}, {@code h}, {@code a[...]}, {@code c[code,"reason"]}) and the client's message
 * arrays. Strings are escaped beyond what JSON asks: the protocol has the server escape the characters that browsers
 * or proxies mangle (control and format characters, lone surrogates, non-characters) as {@code \\uXXXX}.
 */
final class SockJsFrames {
    static final String OPEN = "o";
    static final String HEARTBEAT = "h";
    static final String GO_AWAY = close(3000, "Go away!");
    static final String STILL_OPEN = close(2010, "Another connection still open");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private SockJsFrames() {
    }

    static String close(int code, String reason) {
        return "c[" + code + "," + quote(reason) + "]";
    }

    static String messages(Collection<String> messages) {
        StringBuilder b = new StringBuilder(16 + messages.stream().mapToInt(String::length).sum());
        b.append("a[");
        boolean first = true;
        for (String m : messages) {
            if (!first) {
                b.append(',');
            }
            first = false;
            quote(m, b);
        }
        return b.append(']').toString();
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2);
        quote(s, b);
        return b.toString();
    }

    private static void quote(String s, StringBuilder b) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (escaped(c)) {
                        b.append("\\u").append(HEX[c >> 12 & 0xF]).append(HEX[c >> 8 & 0xF])
                                .append(HEX[c >> 4 & 0xF]).append(HEX[c & 0xF]);
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }

    /** The characters SockJS servers escape: JSON's controls and those browsers drop or rewrite. */
    private static boolean escaped(char c) {
        return c < 0x20 || c >= 0x7f && c <= 0x9f || c == 0xad || c >= 0x600 && c <= 0x604 || c == 0x70f
                || c == 0x17b4 || c == 0x17b5 || c >= 0x200c && c <= 0x200f || c >= 0x2028 && c <= 0x202f
                || c >= 0x2060 && c <= 0x206f || c == 0xfeff || c >= 0xfff0 || c >= 0xd800 && c <= 0xdfff;
    }

    /**
     * The messages of a client's send: a JSON array of strings, or one string.
     *
     * @throws IOException when it is neither
     */
    static List<String> parse(String body) throws IOException {
        JsonNode node = JSON.readTree(body);
        if (node == null) {
            throw new IOException("no JSON");
        }
        if (node.isTextual()) {
            return List.of(node.textValue());
        }
        if (!node.isArray()) {
            throw new IOException("not an array of strings");
        }
        List<String> out = new ArrayList<>(node.size());
        for (JsonNode m : node) {
            if (!m.isTextual()) {
                throw new IOException("not an array of strings");
            }
            out.add(m.textValue());
        }
        return out;
    }
}
