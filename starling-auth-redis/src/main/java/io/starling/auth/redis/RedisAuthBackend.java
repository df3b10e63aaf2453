package io.starling.auth.redis;

import io.starling.api.ClientInfo;
import io.starling.api.auth.AuthRequest;
import io.starling.api.auth.AuthResult;
import io.starling.api.auth.Authorizer.Action;
import io.starling.auth.common.PasswordAlgorithm;
import io.starling.auth.common.StoredPassword;
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
        RedisCommand auth = settings.authCmd();
        Object answer = run(auth, who, Map.of());
        Map<String, String> fields = new HashMap<>();
        if (answer instanceof List<?> values) {
            // HMGET key f1 f2 ...: the values in the order of the fields named
            for (int i = 0; i < values.size() && i + 2 < auth.wordCount(); i++) {
                if (values.get(i) != null) {
                    fields.put(auth.word(i + 2).toLowerCase(Locale.ROOT), text(values.get(i)));
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
            Object s = run(settings.superCmd(), who, Map.of());
            superuser = truthy(s instanceof List<?> l && !l.isEmpty() ? text(l.get(0)) : text(s));
        }
        return new UserRecord(stored, superuser).check(request.password(), settings.hashes(), "Redis");
    }

    List<TopicRule> rules(ClientInfo who, Action action, String topic) {
        Object answer = run(settings.aclCmd(), who, Map.of('t', topic));
        List<TopicRule> out = new ArrayList<>();
        if (!(answer instanceof List<?> values)) {
            return out;
        }
        boolean pairs = settings.aclCmd().is("HGETALL");
        for (int i = 0; i < values.size(); i += pairs ? 2 : 1) {
            String access = pairs && i + 1 < values.size() ? text(values.get(i + 1)) : "3";
            out.add(new TopicRule(true, TopicRule.access(access), text(values.get(i))));
        }
        return out;
    }

    private Object run(RedisCommand command, ClientInfo who, Map<Character, String> extra) {
        return redis.sendCommand(command.name(), command.arguments(who, extra));
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
