package io.starling.broker.plugin;

import java.net.URL;
import java.net.URLClassLoader;

/**
 * A plugin's own class loader: its classes and libraries come first (two plugins may use different versions of
 * a library, and an unloaded plugin's classes go with its loader), except the plugin API, SLF4J and the JDK,
 * which it shares with the node so that its hooks are the node's types.
 */
final class PluginClassLoader extends URLClassLoader {
    private static final String[] SHARED = {"java.", "javax.", "jdk.", "sun.", "io.starling.api.", "org.slf4j."};

    static {
        registerAsParallelCapable();
    }

    PluginClassLoader(String name, URL[] urls, ClassLoader node) {
        super("plugin:" + name, urls, node);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        for (String prefix : SHARED) {
            if (name.startsWith(prefix)) {
                return super.loadClass(name, resolve);
            }
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                try {
                    c = findClass(name);
                } catch (ClassNotFoundException notMine) {
                    c = getParent().loadClass(name);
                }
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }

    @Override
    public URL getResource(String name) {
        URL own = findResource(name);
        return own != null ? own : super.getResource(name);
    }
}
