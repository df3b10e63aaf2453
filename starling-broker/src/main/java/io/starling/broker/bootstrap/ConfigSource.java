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
}
