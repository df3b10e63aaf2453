package io.starling.broker.config;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Where plugins are.
 *
 * @param dir       plugin jars and folders
 * @param configDir each plugin's own {@code <name>.conf}
 */
public record PluginsConfig(Path dir, Path configDir) {

    /** The same with relative paths resolved by {@code resolve} (against the installation, by the launcher). */
    public PluginsConfig under(UnaryOperator<Path> resolve) {
        return new PluginsConfig(resolve.apply(dir), resolve.apply(configDir));
    }
}
