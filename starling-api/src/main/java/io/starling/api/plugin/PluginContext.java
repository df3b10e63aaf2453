package io.starling.api.plugin;

import io.starling.api.auth.Authenticator;
import io.starling.api.auth.Authorizer;
import io.starling.api.hook.HookListener;
import java.util.Map;

/** What the node offers a plugin while it runs. Registrations are undone when the plugin stops. */
public interface PluginContext {

    String nodeName();

    /** The plugin's own settings, flattened to dotted keys. */
    Map<String, String> settings();

    void addHookListener(HookListener listener, int priority);

    void addAuthenticator(Authenticator authenticator, int priority);

    void addAuthorizer(Authorizer authorizer, int priority);
}
