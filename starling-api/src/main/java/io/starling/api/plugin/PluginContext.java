package io.starling.api.plugin;

import io.starling.api.Message;
import io.starling.api.auth.Authenticator;
import io.starling.api.auth.Authorizer;
import io.starling.api.hook.ConnectInterceptor;
import io.starling.api.hook.HookListener;
import io.starling.api.hook.HookOptions;
import io.starling.api.hook.PublishInterceptor;
import io.starling.api.hook.SubscribeInterceptor;
import java.util.Map;

/**
 * What the node offers a plugin while it runs. Everything a plugin registers is removed when it is unloaded,
 * whether or not its {@link Plugin#stop} does so.
 */
public interface PluginContext {

    String nodeName();

    /** The plugin's own settings from {@code etc/plugins/<name>.conf}, flattened to dotted keys. */
    Map<String, String> settings();

    void addHookListener(HookListener listener, HookOptions options);

    default void addHookListener(HookListener listener, int priority) {
        addHookListener(listener, HookOptions.priority(priority));
    }

    void addConnectInterceptor(ConnectInterceptor interceptor, HookOptions options);

    void addSubscribeInterceptor(SubscribeInterceptor interceptor, HookOptions options);

    void addPublishInterceptor(PublishInterceptor interceptor, HookOptions options);

    void addAuthenticator(Authenticator authenticator, int priority);

    void addAuthorizer(Authorizer authorizer, int priority);

    /** Publishes a message from the node itself (no client), to whoever subscribed. */
    void publish(Message message);
}
