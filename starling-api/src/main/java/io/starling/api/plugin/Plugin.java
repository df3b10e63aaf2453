package io.starling.api.plugin;

/**
 * Something that extends a running node: loaded from a jar or folder in {@code plugins/} with its own class
 * loader, started and stopped at run time. The class named in the plugin's descriptor
 * ({@code starling-plugin.properties}) implements this and has a public no-argument constructor.
 */
public interface Plugin {

    /** Registers the plugin's hooks and starts its work; a plugin that throws here is not loaded. */
    void start(PluginContext context) throws Exception;

    /** Stops its work and releases what it holds (threads, connections); its hooks are removed by the node. */
    void stop() throws Exception;
}
