package io.starling.auth.redis;

import io.starling.auth.common.BackendSettings;
import io.starling.auth.common.HashSettings;
import io.starling.auth.common.Settings;
import java.util.Map;

/**
 * The Redis backend's settings, from {@code etc/plugins/starling-auth-redis.conf}.
 *
 * @param authCmd  finds a user: {@code HMGET key password_hash salt algorithm is_superuser} (the fields named are
 *                 the values' names; password_hash or password required), or {@code HGET key field} / {@code GET
 *                 key} for the hash alone; null: the plugin does not authenticate
 * @param superCmd optional: a true answer ({@code 1}, {@code true}) makes the user a superuser
 * @param aclCmd   the client's ACL: {@code HGETALL key} of topic -> access (1 subscribe, 2 publish, 3 both), or
 *                 {@code SMEMBERS key} of topics for both; all allow; null: the plugin does not authorize
 */
record RedisSettings(String host, int port, String password, int database, RedisCommand authCmd,
        RedisCommand superCmd, RedisCommand aclCmd, HashSettings hashes, BackendSettings backend) {

    static RedisSettings from(Map<String, String> s) {
        String server = s.getOrDefault("server", "127.0.0.1:6379").trim();
        int colon = server.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("server '" + server + "' is not host:port");
        }
        int port;
        try {
            port = Integer.parseInt(server.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("server '" + server + "' is not host:port");
        }
        return new RedisSettings(server.substring(0, colon), port, Settings.optional(s, "password"),
                Settings.number(s, "database", 0), command(s, "auth_cmd"), command(s, "super_cmd"),
                command(s, "acl_cmd"), HashSettings.from(s), BackendSettings.from(s, 50));
    }

    private static RedisCommand command(Map<String, String> s, String key) {
        String c = Settings.optional(s, key);
        return c == null ? null : RedisCommand.parse(key, c);
    }
}
