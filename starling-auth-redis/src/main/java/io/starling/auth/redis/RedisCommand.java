package io.starling.auth.redis;

import io.starling.api.ClientInfo;
import io.starling.auth.common.Template;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import redis.clients.jedis.commands.ProtocolCommand;

/**
 * A configured Redis command, {@code HMGET mqtt_user:%u password_hash salt}, split into words and parsed once when
 * the plugin loads; each word, filled in, is one argument (a value cannot add arguments).
 */
final class RedisCommand {
    private final ProtocolCommand name;
    private final String upperName;
    private final List<Template> arguments;
    private final List<String> words;

    private RedisCommand(String name, List<Template> arguments, List<String> words) {
        this.upperName = name.toUpperCase(Locale.ROOT);
        byte[] raw = upperName.getBytes(StandardCharsets.US_ASCII);
        this.name = () -> raw;
        this.arguments = arguments;
        this.words = words;
    }

    /** Throws IllegalArgumentException naming {@code key} for a bad placeholder. */
    static RedisCommand parse(String key, String text) {
        String[] words = text.trim().split("\\s+");
        List<Template> arguments = new ArrayList<>(words.length - 1);
        try {
            for (int i = 1; i < words.length; i++) {
                arguments.add(Template.parse(words[i]));
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " " + e.getMessage());
        }
        return new RedisCommand(words[0], List.copyOf(arguments), List.of(words));
    }

    ProtocolCommand name() {
        return name;
    }

    /** Whether it is {@code name} (HGETALL, HMGET, ...). */
    boolean is(String commandName) {
        return upperName.equals(commandName);
    }

    /** The word at {@code index} as configured (0 is the command): for HMGET's field names. */
    String word(int index) {
        return words.get(index);
    }

    int wordCount() {
        return words.size();
    }

    String[] arguments(ClientInfo who, Map<Character, String> extra) {
        String[] out = new String[arguments.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = arguments.get(i).fill(who, extra, v -> v);
        }
        return out;
    }
}
