package io.starling.broker.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigValue;
import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Typed reads of configuration values that fail with the file, the line and what is wrong. */
final class ConfigValues {

    private ConfigValues() {
    }

    static long nonNegativeBytes(Config c, String path) {
        long v = c.getBytes(path);
        if (v < 0) {
            throw invalid(c, path, "must not be negative");
        }
        return v;
    }

    static <E extends Enum<E>> E enumValue(Config c, String path, Class<E> type) {
        String value = c.getString(path);
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            List<String> allowed = new ArrayList<>();
            for (E constant : type.getEnumConstants()) {
                allowed.add(constant.name().toLowerCase(Locale.ROOT));
            }
            throw invalid(c, path, "must be one of " + String.join(", ", allowed) + ", was '" + value + "'");
        }
    }

    static int positive(Config c, String path) {
        int v = c.getInt(path);
        if (v < 1) {
            throw invalid(c, path, "must be at least 1, was " + v);
        }
        return v;
    }

    static Duration positiveDuration(Config c, String path) {
        Duration d = c.getDuration(path);
        if (d.isNegative() || d.isZero()) {
            throw invalid(c, path, "must be longer than 0");
        }
        return d;
    }

    /** A {@code host:port} setting ({@code [::1]:1883} for IPv6); port 0 lets the OS choose. */
    record HostPort(String host, int port) {
    }

    static HostPort hostPort(Config c, String path) {
        String bind = c.getString(path);
        int colon = bind.lastIndexOf(':');
        if (colon < 0) {
            throw invalid(c, path, "must be host:port, was '" + bind + "'");
        }
        int port;
        try {
            port = Integer.parseInt(bind.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw invalid(c, path, "has no valid port: '" + bind + "'");
        }
        String host = bind.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new HostPort(host, port);
    }

    static Duration nonNegativeDuration(Config c, String path) {
        Duration d = c.getDuration(path);
        if (d.isNegative()) {
            throw invalid(c, path, "must not be negative");
        }
        return d;
    }

    static int nonNegative(Config c, String path) {
        int v = c.getInt(path);
        if (v < 0) {
            throw invalid(c, path, "must not be negative, was " + v);
        }
        return v;
    }

    static ConfigurationException invalid(Config c, String path, String problem) {
        ConfigValue value = c.getValue(path);
        return new ConfigurationException(where(value.origin()) + ": " + path + " " + problem);
    }

    static String where(ConfigOrigin origin) {
        if (origin.filename() != null) {
            String name = new File(origin.filename()).getPath();
            return origin.lineNumber() > 0 ? name + ":" + origin.lineNumber() : name;
        }
        return origin.lineNumber() > 0 ? origin.description().replaceAll(": \\d+$", "") + ":" + origin.lineNumber()
                : origin.description();
    }
}
