package io.starling.broker.plugin;

import io.starling.api.ClientInfo;
import io.starling.api.Message;
import io.starling.api.auth.Authenticator;
import io.starling.api.auth.Authorizer;
import io.starling.api.hook.ConnectInterceptor;
import io.starling.api.hook.HookListener;
import io.starling.api.hook.HookOptions;
import io.starling.api.hook.PublishInterceptor;
import io.starling.api.hook.SubscribeInterceptor;
import io.starling.api.plugin.Plugin;
import io.starling.api.plugin.PluginContext;
import io.starling.broker.protocol.BrokerServices;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A running plugin: its instance, its class loader, and every registration it made, to undo on unload. */
final class LoadedPlugin implements PluginContext {
    private final PluginDescriptor descriptor;
    private final PluginClassLoader loader;
    private final Map<String, String> settings;
    private final BrokerServices services;
    private final List<Runnable> undo = new ArrayList<>();
    private Plugin plugin;

    LoadedPlugin(PluginDescriptor descriptor, PluginClassLoader loader, Map<String, String> settings,
            BrokerServices services) {
        this.descriptor = descriptor;
        this.loader = loader;
        this.settings = Map.copyOf(settings);
        this.services = services;
    }

    PluginDescriptor descriptor() {
        return descriptor;
    }

    /** Instantiates and starts the plugin with its class loader as the context loader. */
    void start() throws Exception {
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        t.setContextClassLoader(loader);
        try {
            Class<?> type = Class.forName(descriptor.pluginClass(), true, loader);
            if (!Plugin.class.isAssignableFrom(type)) {
                throw new PluginException(descriptor.name() + ": " + descriptor.pluginClass() + " does not implement "
                        + Plugin.class.getName());
            }
            plugin = (Plugin) type.getConstructor().newInstance();
            plugin.start(this);
        } finally {
            t.setContextClassLoader(before);
        }
    }

    /** Stops the plugin, removes what it registered and closes its class loader; returns what went wrong or null. */
    synchronized String stop() {
        String problem = null;
        if (plugin != null) {
            Thread t = Thread.currentThread();
            ClassLoader before = t.getContextClassLoader();
            t.setContextClassLoader(loader);
            try {
                plugin.stop();
            } catch (Exception | LinkageError e) {
                problem = "its stop() failed: " + e;
            } finally {
                t.setContextClassLoader(before);
            }
        }
        for (int i = undo.size() - 1; i >= 0; i--) {
            undo.get(i).run();
        }
        undo.clear();
        try {
            loader.close();
        } catch (IOException e) {
            problem = problem == null ? "closing its class loader failed: " + e : problem;
        }
        return problem;
    }

    @Override
    public String nodeName() {
        return services.nodeName();
    }

    @Override
    public Map<String, String> settings() {
        return settings;
    }

    @Override
    public void addHookListener(HookListener listener, HookOptions options) {
        hook(listener, () -> services.hooks().add(listener, options));
    }

    @Override
    public void addConnectInterceptor(ConnectInterceptor interceptor, HookOptions options) {
        hook(interceptor, () -> services.hooks().add(interceptor, options));
    }

    @Override
    public void addSubscribeInterceptor(SubscribeInterceptor interceptor, HookOptions options) {
        hook(interceptor, () -> services.hooks().add(interceptor, options));
    }

    @Override
    public void addPublishInterceptor(PublishInterceptor interceptor, HookOptions options) {
        hook(interceptor, () -> services.hooks().add(interceptor, options));
    }

    /** Registers a hook and remembers to remove it on unload. */
    private synchronized void hook(Object hook, Runnable register) {
        register.run();
        undo.add(() -> services.hooks().remove(hook));
    }

    @Override
    public synchronized void addAuthenticator(Authenticator authenticator, int priority) {
        services.authentication().add(authenticator, priority);
        undo.add(() -> services.authentication().remove(authenticator));
    }

    @Override
    public synchronized void addAuthorizer(Authorizer authorizer, int priority) {
        services.authorization().add(authorizer, priority);
        undo.add(() -> services.authorization().remove(authorizer));
    }

    @Override
    public void publish(Message message) {
        // Through the gate as a superuser: a plugin is trusted, but its messages pass the hooks and quotas.
        ClientInfo self = new ClientInfo("$plugin/" + descriptor.name(), null, null, 5, "plugin").asSuperuser();
        services.gate().publish(services.gate().source(self, "plugin " + descriptor.name()), message);
    }
}
