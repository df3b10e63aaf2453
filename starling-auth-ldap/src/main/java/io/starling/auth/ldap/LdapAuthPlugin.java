package io.starling.auth.ldap;

import io.starling.api.plugin.Plugin;
import io.starling.api.plugin.PluginContext;
import io.starling.auth.common.BackendAuthenticator;
import io.starling.auth.common.BackendAuthorizer;
import io.starling.auth.common.BackendCalls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An LDAP directory as authenticator and authorizer: bind as the user (or compare its password attribute), over
 * TLS (ldaps:// or StartTLS) when configured, with the ACL from topic attributes of the user's entry; calls on
 * the plugin's own threads and pooled connections, within the timeout.
 */
public final class LdapAuthPlugin implements Plugin {
    private static final Logger LOG = LoggerFactory.getLogger(LdapAuthPlugin.class);

    private LdapAuthBackend backend;
    private BackendCalls calls;

    @Override
    public void start(PluginContext context) throws Exception {
        LdapSettings settings = LdapSettings.from(context.settings());
        backend = new LdapAuthBackend(settings);
        calls = settings.backend().calls("ldap-auth");
        context.addAuthenticator(new BackendAuthenticator("LDAP", calls, settings.backend().policy(),
                backend::authenticate), settings.backend().priority());
        if (settings.acl()) {
            context.addAuthorizer(new BackendAuthorizer(calls, settings.backend().policy(), backend::rules),
                    settings.backend().priority());
        }
        if (settings.tls() && !settings.verifyHostname()) {
            LOG.warn("LDAP: ssl.verify_hostname = false: any certificate the trusted CAs signed, for any host, is "
                    + "taken for {}; whoever holds one can stand in for the directory and read the passwords",
                    settings.url().getHost());
        }
        LOG.info("LDAP authentication at {}{}: {} under {}, ACL {}, pool {}, timeout {} ms, on error {}",
                settings.url(), settings.startTls() ? " (StartTLS)" : "", settings.bindAsUser() ? "bind as the user"
                        : "compare " + settings.passwordAttribute(), settings.baseDn(), settings.acl() ? "on" : "off",
                settings.backend().poolSize(), settings.backend().timeout().toMillis(),
                settings.backend().policy().settingName());
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
