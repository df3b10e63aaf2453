package io.starling.auth.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
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
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The queries of an SQL backend, run on its pool's threads: placeholders become bind parameters, so a client id
 * or username can never change a query. Column names are read case-insensitively.
 */
final class SqlAuthBackend implements AutoCloseable {
    private final String name;
    private final SqlSettings settings;
    private final HikariDataSource pool;

    SqlAuthBackend(String name, SqlSettings settings, String driverClass) {
        this.name = name;
        this.settings = settings;
        HikariConfig c = new HikariConfig();
        c.setPoolName(name);
        c.setJdbcUrl(settings.url());
        c.setDriverClassName(driverClass);
        c.setUsername(settings.user());
        c.setPassword(settings.password());
        c.setMaximumPoolSize(settings.backend().poolSize());
        c.setMinimumIdle(1);
        c.setConnectionTimeout(Math.max(250, settings.backend().timeout().toMillis()));
        c.setValidationTimeout(Math.max(250, settings.backend().timeout().toMillis()));
        // Start even when the server is down: checks then fail by the policy until it is back.
        c.setInitializationFailTimeout(-1);
        c.setReadOnly(true);
        this.pool = new HikariDataSource(c);
    }

    AuthResult authenticate(AuthRequest request) throws SQLException {
        ClientInfo who = request.client();
        Map<Character, String> extra = request.password() == null ? Map.of()
                : Map.of('P', new String(request.password(), StandardCharsets.UTF_8));
        List<Map<String, Object>> rows = query(settings.authQuery(), who, extra, 1);
        if (rows.isEmpty()) {
            return AuthResult.IGNORE;
        }
        Map<String, Object> row = rows.get(0);
        Object hash = row.containsKey("password_hash") ? row.get("password_hash") : row.get("password");
        if (hash == null) {
            throw new SQLException("auth_query returned no password_hash (or password) column");
        }
        Object algorithm = row.get("algorithm");
        StoredPassword stored = new StoredPassword(hash.toString(), text(row.get("salt")),
                algorithm == null ? settings.hashes().algorithm() : PasswordAlgorithm.parse(algorithm.toString()));
        boolean superuser = truthy(row.get("is_superuser"));
        if (!superuser && settings.superQuery() != null) {
            List<Map<String, Object>> sup = query(settings.superQuery(), who, Map.of(), 1);
            superuser = !sup.isEmpty() && truthy(sup.get(0).values().iterator().next());
        }
        return new UserRecord(stored, superuser).check(request.password(), settings.hashes(), name);
    }

    List<TopicRule> rules(ClientInfo who, Action action, String topic) throws SQLException {
        Map<Character, String> extra = Map.of('t', topic, 'A', action == Action.PUBLISH ? "2" : "1");
        List<TopicRule> out = new ArrayList<>();
        for (Map<String, Object> row : query(settings.aclQuery(), who, extra, 10_000)) {
            if (!forClient(row, who)) {
                continue;
            }
            Object topicColumn = row.get("topic");
            if (topicColumn == null) {
                throw new SQLException("acl_query returned no topic column");
            }
            out.add(new TopicRule(truthy(row.get("allow")), TopicRule.access(text(row.get("access"))),
                    topicColumn.toString()));
        }
        return out;
    }

    /** A row naming a username, client id or address is for that client only; {@code $all} is for everyone. */
    private static boolean forClient(Map<String, Object> row, ClientInfo who) {
        String user = text(row.get("username"));
        if (!user.isEmpty() && !user.equals("$all") && !user.equals(who.username())) {
            return false;
        }
        String id = text(row.get("clientid"));
        if (!id.isEmpty() && !id.equals(who.clientId())) {
            return false;
        }
        String ip = text(row.get("ipaddr"));
        return ip.isEmpty() || who.remoteAddress() != null
                && ip.equals(who.remoteAddress().getAddress().getHostAddress());
    }

    private List<Map<String, Object>> query(Template t, ClientInfo who, Map<Character, String> extra, int limit)
            throws SQLException {
        try (Connection c = pool.getConnection(); PreparedStatement st = c.prepareStatement(t.sql())) {
            st.setQueryTimeout((int) Math.max(1, settings.backend().timeout().toSeconds()));
            st.setMaxRows(limit);
            List<String> values = t.values(who, extra);
            for (int i = 0; i < values.size(); i++) {
                st.setString(i + 1, values.get(i));
            }
            try (ResultSet rs = st.executeQuery()) {
                ResultSetMetaData meta = rs.getMetaData();
                List<Map<String, Object>> rows = new ArrayList<>();
                while (rs.next()) {
                    Map<String, Object> row = new HashMap<>();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        row.put(meta.getColumnLabel(i).toLowerCase(Locale.ROOT), rs.getObject(i));
                    }
                    rows.add(row);
                }
                return rows;
            }
        }
    }

    private static String text(Object v) {
        return v == null ? "" : v.toString();
    }

    private static boolean truthy(Object v) {
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Number n) {
            return n.intValue() != 0;
        }
        String s = text(v).trim();
        return s.equals("1") || s.equalsIgnoreCase("true") || s.equalsIgnoreCase("t");
    }

    @Override
    public void close() {
        pool.close();
    }
}
