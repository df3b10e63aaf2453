package io.starling.plugin.template;

import io.starling.api.ClientInfo;
import io.starling.api.Message;
import io.starling.api.MessageProperties;
import io.starling.api.UserProperty;
import io.starling.api.hook.HookListener;
import io.starling.api.hook.HookOptions;
import io.starling.api.plugin.Plugin;
import io.starling.api.plugin.PluginContext;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The example plugin (as emqttd_plugin_template): reads its settings, logs clients coming and going, and adds a
 * user property to every message published under a topic prefix. docs/plugins.md walks through it.
 *
 * <p>Settings ({@code etc/plugins/starling-plugin-template.conf}):
 * <ul>
 *   <li>{@code tag} (default {@code "template"}): the value of the user property {@code x-starling-template}</li>
 *   <li>{@code topic_prefix} (default {@code "template/"}): messages under it get the property</li>
 *   <li>{@code log_clients} (default {@code true}): log each connect and disconnect</li>
 * </ul>
 */
public final class TemplatePlugin implements Plugin {
    /** The user property the plugin adds. */
    public static final String PROPERTY = "x-starling-template";
    private static final Logger LOG = LoggerFactory.getLogger(TemplatePlugin.class);

    @Override
    public void start(PluginContext context) {
        String tag = context.settings().getOrDefault("tag", "template");
        String prefix = context.settings().getOrDefault("topic_prefix", "template/");
        boolean logClients = Boolean.parseBoolean(context.settings().getOrDefault("log_clients", "true"));

        // Runs on the network threads: it must not block, and it does not.
        context.addPublishInterceptor((client, message) -> message.topic().startsWith(prefix)
                ? tagged(message, tag) : message, HookOptions.defaults());
        if (logClients) {
            context.addHookListener(new HookListener() {
                @Override
                public void onConnected(ClientInfo client, boolean sessionPresent) {
                    LOG.info("template plugin: {} connected from {}", client.clientId(), client.remoteAddress());
                }

                @Override
                public void onDisconnected(ClientInfo client, String reason) {
                    LOG.info("template plugin: {} disconnected ({})", client.clientId(), reason);
                }
            }, HookOptions.defaults());
        }
        LOG.info("template plugin started on node {}: tagging '{}' messages with {}={}", context.nodeName(), prefix,
                PROPERTY, tag);
    }

    @Override
    public void stop() {
        LOG.info("template plugin stopped");
    }

    private static Message tagged(Message m, String tag) {
        MessageProperties p = m.properties();
        List<UserProperty> user = new ArrayList<>(p.userProperties());
        user.add(new UserProperty(PROPERTY, tag));
        MessageProperties withTag = new MessageProperties(p.payloadFormatIndicator(), p.messageExpirySeconds(),
                p.contentType(), p.responseTopic(), p.correlationData(), user);
        return new Message(m.topic(), m.payload(), m.qos(), m.retain(), withTag, m.publisherId(),
                m.createdAtMillis());
    }
}
