package io.starling.auth.jdbc;

import io.starling.auth.common.BackendSettings;
import io.starling.auth.common.HashSettings;
import io.starling.auth.common.Settings;
import io.starling.auth.common.Template;
import java.util.Map;

/**
 * An SQL backend's settings, from {@code etc/plugins/<plugin>.conf}.
 *
 * @param url        the JDBC URL of the server
 * @param authQuery  finds a user's row: columns {@code password_hash} (or {@code password}), and optionally
 *                   {@code salt}, {@code algorithm} and {@code is_superuser}; null: the plugin does not authenticate
 * @param superQuery optional: a row whose first column is true makes the user a superuser
 * @param aclQuery   the client's ACL rows: {@code allow}, {@code access}, {@code topic}, and optionally
 *                   {@code username}, {@code clientid}, {@code ipaddr}, which must then match the client; null:
 *                   the plugin does not authorize
 */
public record SqlSettings(String url, String user, String password, Template authQuery, Template superQuery,
        Template aclQuery, HashSettings hashes, BackendSettings backend) {

    public static SqlSettings from(Map<String, String> s, String defaultUrl) {
        String url = s.getOrDefault("url", defaultUrl).trim();
        if (!url.startsWith("jdbc:")) {
            throw new IllegalArgumentException("url '" + url + "' is not a JDBC URL (jdbc:...)");
        }
        return new SqlSettings(url, s.getOrDefault("username", "starling"), s.getOrDefault("password", ""),
                template(s, "auth_query"), template(s, "super_query"), template(s, "acl_query"),
                HashSettings.from(s), BackendSettings.from(s, 50));
    }

    private static Template template(Map<String, String> s, String key) {
        String q = Settings.optional(s, key);
        try {
            return q == null ? null : Template.parse(q);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " " + e.getMessage());
        }
    }
}
