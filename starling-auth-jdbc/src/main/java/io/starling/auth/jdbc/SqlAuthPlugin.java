package io.starling.auth.jdbc;

import io.starling.api.plugin.Plugin;
import io.starling.api.plugin.PluginContext;
import io.starling.auth.common.BackendAuthenticator;
import io.starling.auth.common.BackendAuthorizer;
import io.starling.auth.common.BackendCalls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An SQL database as authenticator and authorizer, as emqttd_plugin_mysql and _pgsql: a subclass names the
 * database, its driver and default URL. Every query runs on the plugin's own pool of threads and connections,
 * within the timeout; a database that is down or slow answers by {@code on_error}.
 */
public abstract class SqlAuthPlugin implements Plugin {
    private static final Logger LOG = LoggerFactory.getLogger(SqlAuthPlugin.class);

    private SqlAuthBackend backend;
    private BackendCalls calls;

    /** For log lines and thread names: "PostgreSQL". */
    protected abstract String database();

    protected abstract String driverClass();

    protected abstract String defaultUrl();

    @Override
    public void start(PluginContext context) {
        SqlSettings settings = SqlSettings.from(context.settings(), defaultUrl());
        if (settings.authQuery() == null && settings.aclQuery() == null) {
            throw new IllegalArgumentException("neither auth_query nor acl_query is set: nothing to do");
        }
        backend = new SqlAuthBackend(database(), settings, driverClass());
        calls = settings.backend().calls(database().toLowerCase(java.util.Locale.ROOT) + "-auth");
        if (settings.authQuery() != null) {
            context.addAuthenticator(new BackendAuthenticator(database(), calls, settings.backend().policy(),
                    backend::authenticate), settings.backend().priority());
        }
        if (settings.aclQuery() != null) {
            context.addAuthorizer(new BackendAuthorizer(calls, settings.backend().policy(), backend::rules),
                    settings.backend().priority());
        }
        LOG.info("{} authentication at {}: auth {}, superuser {}, ACL {}, pool {}, timeout {} ms, on error {}",
                database(), settings.url(), on(settings.authQuery()), on(settings.superQuery()),
                on(settings.aclQuery()), settings.backend().poolSize(), settings.backend().timeout().toMillis(),
                settings.backend().policy().settingName());
    }

    private static String on(Object query) {
        return query == null ? "off" : "on";
    }

    @Override
    public void stop() {
        if (calls != null) {
            calls.close();
        }
        if (backend != null) {
            backend.close();
        }
    }
}
