package io.starling.broker.bootstrap;

import io.starling.broker.config.BrokerConfig;
import java.util.Map;

/**
 * Where {@code reload} reads the configuration again: the typed configuration (paths resolved as at start) and
 * every setting as {@code path -> value}, to name what changed. Both throw ConfigurationException for a bad file.
 */
public interface ConfigSource {

    BrokerConfig config();

    Map<String, String> settings();

    static ConfigSource of(java.util.function.Supplier<BrokerConfig> config,
            java.util.function.Supplier<Map<String, String>> settings) {
        return new ConfigSource() {
            @Override
            public BrokerConfig config() {
                return config.get();
            }

            @Override
            public Map<String, String> settings() {
                return settings.get();
            }
        };
    }
}
