package io.starling.auth.common;

import io.starling.api.ClientInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A query, command or filter with placeholders: {@code %c} client id, {@code %u} username, {@code %a} IP
 * address, {@code %l} listener, {@code %p} protocol version, and what the caller adds ({@code %P} password,
 * {@code %t} topic, {@code %A} access). {@code %%} is a literal percent sign. Values are never spliced into SQL:
 * {@link #sql()} gives the text with {@code ?} and {@link #values} the parameters in order.
 */
public final class Template {
    private final String text;
    private final List<Object> parts;

    private Template(String text, List<Object> parts) {
        this.text = text;
        this.parts = parts;
    }

    public static Template parse(String text) {
        List<Object> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '%' || i + 1 == text.length()) {
                literal.append(c);
                continue;
            }
            char p = text.charAt(++i);
            if (p == '%') {
                literal.append('%');
                continue;
            }
            if ("culpaPtA".indexOf(p) < 0) {
                throw new IllegalArgumentException("'" + text + "': %" + p
                        + " is not a placeholder (%c client id, %u username, %a address, %l listener, %p protocol, "
                        + "%P password, %t topic, %A access)");
            }
            if (literal.length() > 0) {
                parts.add(literal.toString());
                literal.setLength(0);
            }
            parts.add(p);
        }
        if (literal.length() > 0) {
            parts.add(literal.toString());
        }
        return new Template(text, List.copyOf(parts));
    }

    public String text() {
        return text;
    }

    public boolean uses(char placeholder) {
        return parts.contains(placeholder);
    }

    /** The text with each placeholder as a JDBC parameter marker. */
    public String sql() {
        StringBuilder b = new StringBuilder();
        for (Object part : parts) {
            b.append(part instanceof Character ? "?" : part);
        }
        return b.toString();
    }

    /** The placeholders' values in order, for {@link #sql()}; a missing value is null. */
    public List<String> values(ClientInfo who, Map<Character, String> extra) {
        List<String> out = new ArrayList<>();
        for (Object part : parts) {
            if (part instanceof Character p) {
                out.add(value(p, who, extra));
            }
        }
        return out;
    }

    /** The text with the values filled in (a missing value as empty), through {@code escape}. */
    public String fill(ClientInfo who, Map<Character, String> extra, java.util.function.UnaryOperator<String> escape) {
        StringBuilder b = new StringBuilder();
        for (Object part : parts) {
            if (part instanceof Character p) {
                String v = value(p, who, extra);
                b.append(escape.apply(v == null ? "" : v));
            } else {
                b.append(part);
            }
        }
        return b.toString();
    }

    private static String value(char p, ClientInfo who, Map<Character, String> extra) {
        return switch (p) {
            case 'c' -> who.clientId();
            case 'u' -> who.username();
            case 'a' -> who.remoteAddress() == null ? null : who.remoteAddress().getAddress().getHostAddress();
            case 'l' -> who.listener();
            case 'p' -> String.valueOf(who.protocolVersion());
            default -> extra.get(p);
        };
    }

    @Override
    public String toString() {
        return text;
    }
}
