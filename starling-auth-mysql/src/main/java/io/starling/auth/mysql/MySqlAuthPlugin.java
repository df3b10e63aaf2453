package io.starling.auth.mysql;

import io.starling.auth.jdbc.SqlAuthPlugin;

/** Authentication and ACL from MySQL or MariaDB, as emqttd_plugin_mysql: a plugin. Settings in {@code etc/plugins/starling-auth-mysql.conf}. */
public final class MySqlAuthPlugin extends SqlAuthPlugin {

    @Override
    protected String database() {
        return "MySQL";
    }

    @Override
    protected String driverClass() {
        return "org.mariadb.jdbc.Driver";
    }

    @Override
    protected String defaultUrl() {
        return "jdbc:mariadb://127.0.0.1:3306/mqtt";
    }
}
