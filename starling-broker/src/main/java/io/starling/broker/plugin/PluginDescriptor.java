package io.starling.broker.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * What a plugin says of itself in {@code starling-plugin.properties} at the root of its jar or folder.
 *
 * @param apiVersion  the plugin API it was built against, {@code major.minor}
 * @param pluginClass the class implementing {@code io.starling.api.plugin.Plugin}
 * @param location    the jar or folder
 */
public record PluginDescriptor(String name, String version, String description, String apiVersion,
        String pluginClass, Path location) {

    public static final String FILE = "starling-plugin.properties";

    /** Reads the descriptor of a jar or folder; throws {@link PluginException} saying what is missing. */
    static PluginDescriptor read(Path location) {
        Properties p = new Properties();
        try {
            if (Files.isDirectory(location)) {
                Path file = location.resolve(FILE);
                if (!Files.isRegularFile(file)) {
                    throw new PluginException(location + ": no " + FILE + " in the folder");
                }
                try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    p.load(r);
                }
            } else {
                try (JarFile jar = new JarFile(location.toFile())) {
                    ZipEntry entry = jar.getEntry(FILE);
                    if (entry == null) {
                        throw new PluginException(location + ": no " + FILE + " in the jar");
                    }
                    try (InputStream in = jar.getInputStream(entry)) {
                        p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
                    }
                }
            }
        } catch (IOException e) {
            throw new PluginException(location + ": cannot read " + FILE + ": " + e.getMessage(), e);
        }
        return new PluginDescriptor(required(p, "name", location), required(p, "version", location),
                p.getProperty("description", ""), required(p, "api-version", location),
                required(p, "plugin-class", location), location);
    }

    private static String required(Properties p, String key, Path location) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new PluginException(location + ": " + FILE + " has no '" + key + "'");
        }
        return v.trim();
    }
}
