package io.starling.broker.plugin;

/** A plugin found in {@code plugins/}, and whether it runs. */
public record PluginStatus(String name, String version, String description, String apiVersion, boolean loaded,
        String location) {
}
