package io.starling.auth.http;

import io.starling.api.ClientInfo;
import io.starling.api.auth.AuthRequest;
import io.starling.api.auth.AuthResult;
import io.starling.api.auth.Authenticator;
import io.starling.api.auth.Authorizer;
import io.starling.api.plugin.Plugin;
import io.starling.api.plugin.PluginContext;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * emqttd_auth_http as a plugin: CONNECTs checked by {@code auth_url}, PUBLISH and SUBSCRIBE by {@code acl_url}.
 * No call waits on a node thread: requests go out asynchronously and their answers come back on the HTTP
 * client's threads. The password travels to the service only, never to a log.
 */
public final class HttpAuthPlugin implements Plugin {
    private static final Logger LOG = LoggerFactory.getLogger(HttpAuthPlugin.class);
    /** Before the built-in user database (100): the service decides for the users it knows. */
    static final int PRIORITY = 50;

    @Override
    public void start(PluginContext context) {
        HttpAuthSettings settings = HttpAuthSettings.from(context.settings());
        HttpAuthService service = new HttpAuthService(settings);
        if (settings.authUrl() != null) {
            context.addAuthenticator(new Authenticator() {
                @Override
                public CompletionStage<AuthResult> authenticate(AuthRequest request) {
                    String password = request.password() == null ? null
                            : new String(request.password(), StandardCharsets.UTF_8);
                    return service.ask(settings.authUrl(), settings.authParams(), request.client(),
                            password == null ? Map.of() : Map.of('P', password)).thenApply(v -> switch (v) {
                                case ALLOW -> AuthResult.allow();
                                case SUPERUSER -> AuthResult.allowSuperuser();
                                case DENY -> AuthResult.deny("refused by the HTTP authentication service");
                                case IGNORE -> AuthResult.IGNORE;
                            });
                }
            }, PRIORITY);
        }
        if (settings.aclUrl() != null) {
            context.addAuthorizer(new Authorizer() {
                @Override
                public CompletionStage<Decision> authorize(ClientInfo client, Action action, String topic) {
                    return service.ask(settings.aclUrl(), settings.aclParams(), client,
                            Map.of('A', action == Action.PUBLISH ? "2" : "1", 't', topic)).thenApply(v -> switch (v) {
                                case ALLOW, SUPERUSER -> Decision.ALLOW;
                                case DENY -> Decision.DENY;
                                case IGNORE -> Decision.IGNORE;
                            });
                }
            }, PRIORITY);
        }
        LOG.info("HTTP authentication: auth {}, ACL {}, timeout {} ms, at most {} requests out, on error {}",
                settings.authUrl() == null ? "off" : settings.authUrl(), settings.aclUrl() == null ? "off"
                        : settings.aclUrl(), settings.timeout().toMillis(), settings.maxRequests(),
                settings.denyOnError() ? "deny" : "ignore");
    }

    @Override
    public void stop() {
        LOG.info("HTTP authentication stopped");
    }
}
