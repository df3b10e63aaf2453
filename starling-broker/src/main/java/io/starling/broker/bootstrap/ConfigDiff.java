package io.starling.broker.bootstrap;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The settings that differ between two configurations, named as in {@code etc/starling.conf}
 * ({@code mqtt.max_inflight}): records are compared component by component, anything else as a value.
 */
final class ConfigDiff {
    private ConfigDiff() {
    }

    static List<String> changed(Object before, Object after) {
        List<String> out = new ArrayList<>();
        compare("", before, after, out);
        return out;
    }

    private static void compare(String path, Object a, Object b, List<String> out) {
        if (a != null && b != null && a.getClass().isRecord() && a.getClass() == b.getClass()) {
            for (RecordComponent c : a.getClass().getRecordComponents()) {
                if (c.getName().equals("source")) {
                    continue;
                }
                try {
                    Object va = c.getAccessor().invoke(a);
                    Object vb = c.getAccessor().invoke(b);
                    compare(path.isEmpty() ? snake(c.getName()) : path + "." + snake(c.getName()), va, vb, out);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("cannot read " + c, e);
                }
            }
        } else if (!Objects.equals(a, b) && !Objects.equals(String.valueOf(a), String.valueOf(b))) {
            out.add(path);
        }
    }

    /** {@code maxInflight} as {@code max_inflight}. */
    static String snake(String camel) {
        StringBuilder s = new StringBuilder(camel.length() + 4);
        for (char ch : camel.toCharArray()) {
            if (Character.isUpperCase(ch)) {
                s.append('_').append(Character.toLowerCase(ch));
            } else {
                s.append(ch);
            }
        }
        return s.toString().toLowerCase(Locale.ROOT);
    }
}
