package io.starling.auth.http;

import io.starling.api.ClientInfo;
import io.starling.auth.common.Template;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A request's parameters as configured, {@code name=%x,...}, parsed once when the plugin loads (so a bad
 * placeholder fails the load, not the first request), filled in and URL-encoded per request.
 */
final class FormTemplate {
    private record Field(String encodedName, Template value) {
    }

    private final List<Field> fields;

    private FormTemplate(List<Field> fields) {
        this.fields = fields;
    }

    /** Throws IllegalArgumentException naming {@code key} for a bad placeholder. */
    static FormTemplate parse(String key, String params) {
        List<Field> fields = new ArrayList<>();
        for (String pair : params.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            try {
                fields.add(new Field(encode(pair.substring(0, eq).trim()), Template.parse(pair.substring(eq + 1).trim())));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + " " + e.getMessage());
            }
        }
        return new FormTemplate(List.copyOf(fields));
    }

    /** Filled in and URL-encoded; a missing value is sent empty. */
    String fill(ClientInfo who, Map<Character, String> extra) {
        StringJoiner out = new StringJoiner("&");
        for (Field f : fields) {
            out.add(f.encodedName() + "=" + encode(f.value().fill(who, extra, v -> v)));
        }
        return out.toString();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
