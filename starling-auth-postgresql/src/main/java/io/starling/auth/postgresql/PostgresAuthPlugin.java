package io.starling.auth.postgresql;

import io.starling.auth.jdbc.SqlAuthPlugin;

/** Authentication and ACL from PostgreSQL, as emqttd_plugin_pgsql: a plugin. Settings in {@code etc/plugins/starling-auth-postgresql.conf}. */
public final class PostgresAuthPlugin extends SqlAuthPlugin {

    @Override
    protected String database() {
        return "PostgreSQL";
    }

    @Override
    protected String driverClass() {
        return "org.postgresql.Driver";
    }

    @Override
    protected String defaultUrl() {
        return "jdbc:postgresql://127.0.0.1:5432/mqtt";
    }
}
