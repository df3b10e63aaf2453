package io.starling.auth.redis;

import io.starling.api.plugin.Plugin;
import io.starling.api.plugin.PluginContext;
import io.starling.auth.common.BackendAuthenticator;
import io.starling.auth.common.BackendAuthorizer;
import io.starling.auth.common.BackendCalls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redis as authenticator and authorizer, as emqttd_plugin_redis: configurable commands for the user, the superuser
 * flag and the ACL, on the plugin's own pool of threads and connections, within the timeout.
 */
public final class RedisAuthPlugin implements Plugin {
    private static final Logger LOG = LoggerFactory.getLogger(RedisAuthPlugin.class);

    private RedisAuthBackend backend;
    private BackendCalls calls;

    @Override
    public void start(PluginContext context) {
        RedisSettings settings = RedisSettings.from(context.settings());
        if (settings.authCmd() == null && settings.aclCmd() == null) {
            throw new IllegalArgumentException("neither auth_cmd nor acl_cmd is set: nothing to do");
        }
        backend = new RedisAuthBackend(settings);
        calls = settings.backend().calls("redis-auth");
        if (settings.authCmd() != null) {
            context.addAuthenticator(new BackendAuthenticator("Redis", calls, settings.backend().policy(),
                    backend::authenticate), settings.backend().priority());
        }
        if (settings.aclCmd() != null) {
            context.addAuthorizer(new BackendAuthorizer(calls, settings.backend().policy(), backend::rules),
                    settings.backend().priority());
        }
        LOG.info("Redis authentication at {}:{}: auth {}, superuser {}, ACL {}, pool {}, timeout {} ms, on error {}",
                settings.host(), settings.port(), settings.authCmd() == null ? "off" : settings.authCmd(),
                settings.superCmd() == null ? "off" : settings.superCmd(),
                settings.aclCmd() == null ? "off" : settings.aclCmd(), settings.backend().poolSize(),
                settings.backend().timeout().toMillis(), settings.backend().policy().settingName());
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
