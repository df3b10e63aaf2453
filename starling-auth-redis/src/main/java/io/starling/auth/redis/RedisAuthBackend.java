package io.starling.auth.redis;

import io.starling.api.ClientInfo;
import io.starling.api.auth.AuthRequest;
import io.starling.api.auth.AuthResult;
import io.starling.api.auth.Authorizer.Action;
import io.starling.auth.common.PasswordAlgorithm;
import io.starling.auth.common.StoredPassword;
import io.starling.auth.common.Template;
import io.starling.auth.common.TopicRule;
import io.starling.auth.common.UserRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.commands.ProtocolCommand;

/**
 * The configured commands, run on the plugin's pool: each word of a command is one argument, placeholders filled
 * in per word, so a username holding spaces or newlines stays one argument and can never add a command.
 */
final class RedisAuthBackend implements AutoCloseable {
    private final RedisSettings settings;
    private final JedisPooled redis;

    RedisAuthBackend(RedisSettings settings) {
        this.settings = settings;
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(settings.backend().poolSize());
        pool.setMaxWait(settings.backend().timeout());
        pool.setJmxEnabled(false);
        this.redis = new JedisPooled(pool, settings.host(), settings.port(),
                (int) settings.backend().timeout().toMillis(), settings.password(), settings.database());
    }

    AuthResult authenticate(AuthRequest request) {
        ClientInfo who = request.client();
        List<String> words = words(settings.authCmd(), who, Map.of());
        Object answer = run(words);
        Map<String, String> fields = new HashMap<>();
        if (answer instanceof List<?> values) {
            // HMGET key f1 f2 ...: the values in the order of the fields named
            for (int i = 0; i < values.size() && i + 2 < words.size(); i++) {
                if (values.get(i) != null) {
                    fields.put(words.get(i + 2).toLowerCase(Locale.ROOT), text(values.get(i)));
                }
            }
        } else if (answer != null) {
            fields.put("password_hash", text(answer));
        }
        String hash = fields.containsKey("password_hash") ? fields.get("password_hash") : fields.get("password");
        if (hash == null) {
            return AuthResult.IGNORE;
        }
        String algorithm = fields.get("algorithm");
        StoredPassword stored = new StoredPassword(hash, fields.get("salt"),
                algorithm == null ? settings.hashes().algorithm() : PasswordAlgorithm.parse(algorithm));
        boolean superuser = truthy(fields.get("is_superuser"));
        if (!superuser && settings.superCmd() != null) {
            Object s = run(words(settings.superCmd(), who, Map.of()));
            superuser = truthy(s instanceof List<?> l && !l.isEmpty() ? text(l.get(0)) : text(s));
        }
        return new UserRecord(stored, superuser).check(request.password(), settings.hashes(), "Redis");
    }

    List<TopicRule> rules(ClientInfo who, Action action, String topic) {
        Object answer = run(words(settings.aclCmd(), who, Map.of('t', topic)));
        List<TopicRule> out = new ArrayList<>();
        if (!(answer instanceof List<?> values)) {
            return out;
        }
        boolean pairs = settings.aclCmd().text().trim().toUpperCase(Locale.ROOT).startsWith("HGETALL");
        for (int i = 0; i < values.size(); i += pairs ? 2 : 1) {
            String access = pairs && i + 1 < values.size() ? text(values.get(i + 1)) : "3";
            out.add(new TopicRule(true, TopicRule.access(access), text(values.get(i))));
        }
        return out;
    }

    private static List<String> words(Template command, ClientInfo who, Map<Character, String> extra) {
        List<String> out = new ArrayList<>();
        for (String word : command.text().trim().split("\\s+")) {
            out.add(Template.parse(word).fill(who, extra, v -> v));
        }
        return out;
    }

    private Object run(List<String> words) {
        byte[] name = words.get(0).toUpperCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        ProtocolCommand command = () -> name;
        return redis.sendCommand(command, words.subList(1, words.size()).toArray(new String[0]));
    }

    private static String text(Object v) {
        if (v == null) {
            return null;
        }
        return v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : v.toString();
    }

    private static boolean truthy(String v) {
        return v != null && (v.equals("1") || v.equalsIgnoreCase("true"));
    }

    @Override
    public void close() {
        redis.close();
    }
}
