package io.starling.auth.common;

import java.time.Duration;
import java.util.Map;

/** Reads a plugin's settings, saying which one is wrong and why. */
public final class Settings {

    private Settings() {
    }

    /** {@code 500ms}, {@code 5s}, {@code 1m}, or milliseconds. */
    public static Duration duration(Map<String, String> s, String key, String fallback) {
        String t = s.getOrDefault(key, fallback).trim();
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2).trim()));
            }
            if (t.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1).trim()));
            }
            if (t.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1).trim()));
            }
            return Duration.ofMillis(Long.parseLong(t));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " '" + t + "' is not a duration such as 500ms or 5s");
        }
    }

    public static int number(Map<String, String> s, String key, int fallback) {
        String t = s.get(key);
        if (t == null || t.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(t.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " '" + t + "' is not a number");
        }
    }

    public static int positive(Map<String, String> s, String key, int fallback) {
        int n = number(s, key, fallback);
        if (n < 1) {
            throw new IllegalArgumentException(key + " must be at least 1, was " + n);
        }
        return n;
    }

    public static boolean flag(Map<String, String> s, String key, boolean fallback) {
        String t = s.get(key);
        if (t == null || t.isBlank()) {
            return fallback;
        }
        return switch (t.trim()) {
            case "true", "on", "yes" -> true;
            case "false", "off", "no" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false, was '" + t + "'");
        };
    }

    /** The value, or null when missing or blank: an optional feature left off. */
    public static String optional(Map<String, String> s, String key) {
        String t = s.get(key);
        return t == null || t.isBlank() ? null : t.trim();
    }
}
