package io.starling.api.plugin;

/** Something that extends a running node and can be started and stopped with it. */
public interface Plugin {

    String name();

    void start(PluginContext context) throws Exception;

    void stop() throws Exception;
}
