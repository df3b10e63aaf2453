package io.starling.broker.plugin;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import io.starling.api.ApiVersion;
import io.starling.broker.protocol.BrokerServices;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds plugins in {@code plugins/} (jars and folders with a {@code starling-plugin.properties}), loads each with
 * its own class loader and settings from {@code etc/plugins/<name>.conf}, unloads and reloads them while the node
 * runs, and remembers which run ({@code <data_dir>/loaded_plugins}) so that they start with the node again.
 */
public final class PluginManager {
    private static final Logger LOG = LoggerFactory.getLogger(PluginManager.class);

    private final Path pluginsDir;
    private final Path configDir;
    private final Path stateFile;
    private final BrokerServices services;
    private final Map<String, LoadedPlugin> loaded = new LinkedHashMap<>();

    public PluginManager(Path pluginsDir, Path configDir, Path dataDir, BrokerServices services) {
        this.pluginsDir = pluginsDir;
        this.configDir = configDir;
        this.stateFile = dataDir.resolve("loaded_plugins");
        this.services = services;
    }

    /** Every plugin in the plugins directory, by name, loaded or not. */
    public synchronized List<PluginStatus> list() {
        List<PluginStatus> out = new ArrayList<>();
        for (PluginDescriptor d : available().values()) {
            out.add(status(d, loaded.containsKey(d.name())));
        }
        return out;
    }

    public synchronized PluginStatus load(String name) {
        if (loaded.containsKey(name)) {
            throw new PluginException("plugin " + name + " is loaded already");
        }
        PluginDescriptor d = find(name);
        if (!ApiVersion.supports(d.apiVersion())) {
            throw new PluginException("plugin " + name + " " + d.version() + " needs plugin API " + d.apiVersion()
                    + ", this node offers " + ApiVersion.CURRENT + ": use a build of the plugin for API "
                    + ApiVersion.MAJOR + ".x");
        }
        LoadedPlugin plugin = new LoadedPlugin(d, new PluginClassLoader(name, urls(d), getClass().getClassLoader()),
                settings(name), services);
        try {
            plugin.start();
        } catch (Exception | LinkageError e) {
            plugin.stop();
            Throwable cause = e instanceof java.lang.reflect.InvocationTargetException && e.getCause() != null
                    ? e.getCause() : e;
            throw new PluginException("plugin " + name + " failed to start: " + cause, cause);
        }
        loaded.put(name, plugin);
        persist();
        LOG.info("plugin {} {} loaded from {}", name, d.version(), d.location());
        return status(d, true);
    }

    public synchronized void unload(String name) {
        LoadedPlugin plugin = loaded.remove(name);
        if (plugin == null) {
            throw new PluginException("plugin " + name + " is not loaded");
        }
        String problem = plugin.stop();
        persist();
        if (problem != null) {
            LOG.warn("plugin {} unloaded, but {}", name, problem);
        } else {
            LOG.info("plugin {} unloaded", name);
        }
    }

    /** Unloads and loads again: the jar and the settings as they are now. */
    public synchronized PluginStatus reload(String name) {
        if (loaded.containsKey(name)) {
            unload(name);
        }
        return load(name);
    }

    /** Loads the plugins that ran when the node last stopped; one that fails is logged and left out. */
    public synchronized void startPersisted() {
        for (String name : persisted()) {
            try {
                load(name);
            } catch (PluginException e) {
                LOG.error("{}", e.getMessage());
            }
        }
    }

    /** Stops every plugin as the node stops; which were loaded stays recorded for the next start. */
    public synchronized void stopAll() {
        List<String> names = new ArrayList<>(loaded.keySet());
        for (int i = names.size() - 1; i >= 0; i--) {
            String problem = loaded.get(names.get(i)).stop();
            if (problem != null) {
                LOG.warn("plugin {} stopped, but {}", names.get(i), problem);
            }
        }
        loaded.clear();
    }

    private PluginDescriptor find(String name) {
        PluginDescriptor d = available().get(name);
        if (d == null) {
            throw new PluginException("no plugin " + name + " in " + pluginsDir + " (there: "
                    + (available().isEmpty() ? "none" : String.join(", ", available().keySet())) + ")");
        }
        return d;
    }

    private Map<String, PluginDescriptor> available() {
        Map<String, PluginDescriptor> found = new TreeMap<>();
        if (!Files.isDirectory(pluginsDir)) {
            return found;
        }
        try (Stream<Path> entries = Files.list(pluginsDir)) {
            for (Path p : (Iterable<Path>) entries.sorted()::iterator) {
                if (!Files.isDirectory(p) && !p.getFileName().toString().endsWith(".jar")) {
                    continue;
                }
                try {
                    PluginDescriptor d = PluginDescriptor.read(p);
                    PluginDescriptor earlier = found.putIfAbsent(d.name(), d);
                    if (earlier != null) {
                        LOG.warn("plugin {} is in both {} and {}; {} is used", d.name(), earlier.location(), p,
                                earlier.location());
                    }
                } catch (PluginException e) {
                    LOG.warn("{}", e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new PluginException("cannot list " + pluginsDir + ": " + e.getMessage(), e);
        }
        return found;
    }

    /** A jar, or a folder with its classes and the jars in its lib/. */
    private static URL[] urls(PluginDescriptor d) {
        List<URL> urls = new ArrayList<>();
        try {
            urls.add(d.location().toUri().toURL());
            Path lib = d.location().resolve("lib");
            if (Files.isDirectory(d.location()) && Files.isDirectory(lib)) {
                try (Stream<Path> jars = Files.list(lib)) {
                    for (Path jar : (Iterable<Path>) jars.filter(j -> j.toString().endsWith(".jar")).sorted()::iterator) {
                        urls.add(jar.toUri().toURL());
                    }
                }
            }
        } catch (IOException e) {
            throw new PluginException(d.location() + ": " + e.getMessage(), e);
        }
        return urls.toArray(new URL[0]);
    }

    /** {@code etc/plugins/<name>.conf} flattened to dotted keys; none when the file is not there. */
    private Map<String, String> settings(String name) {
        Path file = configDir.resolve(name + ".conf");
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        Config c;
        try {
            c = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false)).resolve();
        } catch (ConfigException e) {
            throw new PluginException("plugin " + name + ": " + e.getMessage(), e);
        }
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, ConfigValue> e : c.entrySet()) {
            Object v = e.getValue().unwrapped();
            out.put(e.getKey(), String.valueOf(v));
        }
        return out;
    }

    private List<String> persisted() {
        if (!Files.isRegularFile(stateFile)) {
            return List.of();
        }
        try {
            return Files.readAllLines(stateFile, StandardCharsets.UTF_8).stream().map(String::trim)
                    .filter(s -> !s.isEmpty() && !s.startsWith("#")).toList();
        } catch (IOException e) {
            LOG.error("cannot read {}: {}; no plugin started", stateFile, e.getMessage());
            return List.of();
        }
    }

    private void persist() {
        try {
            Path tmp = stateFile.resolveSibling(stateFile.getFileName() + ".tmp");
            Files.writeString(tmp, "# plugins loaded when the node starts; written by the node\n"
                    + String.join("\n", loaded.keySet()) + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, stateFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.error("cannot record the loaded plugins in {}: {}", stateFile, e.getMessage());
        }
    }

    private static PluginStatus status(PluginDescriptor d, boolean isLoaded) {
        return new PluginStatus(d.name(), d.version(), d.description(), d.apiVersion(), isLoaded,
                d.location().toString());
    }
}
