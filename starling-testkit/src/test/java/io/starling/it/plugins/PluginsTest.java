package io.starling.it.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.starling.api.UserProperty;
import io.starling.broker.plugin.PluginException;
import io.starling.broker.plugin.PluginStatus;
import io.starling.codec.MqttProperties;
import io.starling.codec.MqttVersion;
import io.starling.codec.packet.PingReqPacket;
import io.starling.codec.packet.PingRespPacket;
import io.starling.codec.packet.PublishPacket;
import io.starling.codec.packet.SubAckPacket;
import io.starling.codec.packet.SubscribePacket;
import io.starling.codec.packet.TopicSubscription;
import io.starling.testkit.RawClient;
import io.starling.testkit.StarlingExtension;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plugins from jars in a plugins folder: the example plugin loaded, used, unloaded and reloaded while clients stay
 * connected, started again after a restart, and the refusals (wrong API version, unknown, broken).
 */
class PluginsTest {
    private static final String NAME = "starling-plugin-template";
    private static final Path TEMPLATE_JAR = Path.of("target/test-plugins/starling-plugin-template.jar");

    @TempDir
    Path home;

    @RegisterExtension
    final StarlingExtension broker = StarlingExtension.create(b -> b.storageType("memory").config(
            "plugins.dir = \"" + home.resolve("plugins") + "\"\nplugins.config_dir = \"" + home.resolve("etc/plugins")
                    + "\"\n"));

    private Path pluginConfig() throws IOException {
        Files.createDirectories(home.resolve("etc/plugins"));
        return home.resolve("etc/plugins/" + NAME + ".conf");
    }

    private void install() throws IOException {
        Files.createDirectories(home.resolve("plugins"));
        Files.copy(TEMPLATE_JAR, home.resolve("plugins/" + NAME + ".jar"));
        Files.writeString(pluginConfig(), "tag = \"one\"\ntopic_prefix = \"template/\"\n");
    }

    private String tagOfNext(RawClient sub, RawClient pub) {
        pub.send(new PublishPacket(0, "template/x", "m".getBytes(StandardCharsets.UTF_8), 0, false, false,
                MqttProperties.NONE));
        PublishPacket p = sub.receive(PublishPacket.class);
        return p.properties().userProperties().stream().filter(u -> u.name().equals("x-starling-template"))
                .map(UserProperty::value).findFirst().orElse(null);
    }

    @Test
    void loadUseUnloadAndReloadWhileClientsStayConnected() throws IOException {
        install();
        assertThat(broker.node().plugins().list()).extracting(PluginStatus::name, PluginStatus::loaded)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(NAME, false));
        try (RawClient sub = RawClient.connect(broker.port(), MqttVersion.MQTT_5, "plugin-sub");
             RawClient pub = RawClient.connect(broker.port(), MqttVersion.MQTT_5, "plugin-pub")) {
            sub.send(new SubscribePacket(1, List.of(TopicSubscription.of("template/#", 0)), MqttProperties.NONE));
            sub.receive(SubAckPacket.class);
            assertThat(tagOfNext(sub, pub)).as("no plugin yet").isNull();

            broker.node().plugins().load(NAME);
            assertThat(tagOfNext(sub, pub)).isEqualTo("one");
            assertThat(Files.readString(broker.node().dataDir().resolve("loaded_plugins"))).contains(NAME);

            broker.node().plugins().unload(NAME);
            assertThat(tagOfNext(sub, pub)).as("its hook went with it").isNull();
            assertThat(Files.readString(broker.node().dataDir().resolve("loaded_plugins"))).doesNotContain(NAME);

            broker.node().plugins().load(NAME);
            Files.writeString(pluginConfig(), "tag = \"two\"\n");
            broker.node().plugins().reload(NAME);
            assertThat(tagOfNext(sub, pub)).as("reloaded with its new settings").isEqualTo("two");

            // The same connections throughout.
            sub.send(PingReqPacket.INSTANCE);
            sub.receive(PingRespPacket.class);
        }
    }

    @Test
    void theLoadedPluginsStartWithTheNodeAgain() throws IOException {
        install();
        broker.node().plugins().load(NAME);
        broker.restart();
        assertThat(broker.node().plugins().list()).singleElement().satisfies(p -> assertThat(p.loaded()).isTrue());
        try (RawClient sub = RawClient.connect(broker.port(), MqttVersion.MQTT_5, "after-restart-sub");
             RawClient pub = RawClient.connect(broker.port(), MqttVersion.MQTT_5, "after-restart-pub")) {
            sub.send(new SubscribePacket(1, List.of(TopicSubscription.of("template/#", 0)), MqttProperties.NONE));
            sub.receive(SubAckPacket.class);
            assertThat(tagOfNext(sub, pub)).isEqualTo("one");
        }
    }

    @Test
    void aPluginMayBeAFolderOfClasses() throws IOException {
        Path folder = home.resolve("plugins/template-folder");
        Files.createDirectories(folder);
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(TEMPLATE_JAR.toFile())) {
            for (JarEntry e : java.util.Collections.list(jar.entries())) {
                Path to = folder.resolve(e.getName());
                if (e.isDirectory()) {
                    Files.createDirectories(to);
                } else {
                    Files.createDirectories(to.getParent());
                    try (var in = jar.getInputStream(e)) {
                        Files.copy(in, to);
                    }
                }
            }
        }
        broker.node().plugins().load(NAME);
        assertThat(broker.node().plugins().list()).singleElement()
                .satisfies(p -> assertThat(p.location()).endsWith("template-folder"));
        try (RawClient sub = RawClient.connect(broker.port(), MqttVersion.MQTT_5, "folder-sub");
             RawClient pub = RawClient.connect(broker.port(), MqttVersion.MQTT_5, "folder-pub")) {
            sub.send(new SubscribePacket(1, List.of(TopicSubscription.of("template/#", 0)), MqttProperties.NONE));
            sub.receive(SubAckPacket.class);
            assertThat(tagOfNext(sub, pub)).as("no settings file: the default tag").isEqualTo("template");
        }
    }

    @Test
    void aPluginForAnotherApiVersionIsRefusedWithAClearMessage() throws IOException {
        jar("future", "name=future\nversion=3.0.0\napi-version=2.0\nplugin-class=com.example.Future\n");
        assertThatThrownBy(() -> broker.node().plugins().load("future")).isInstanceOf(PluginException.class)
                .hasMessage("plugin future 3.0.0 needs plugin API 2.0, this node offers 1.0: use a build of the plugin"
                        + " for API 1.x");
        assertThat(broker.node().plugins().list()).singleElement().satisfies(p -> assertThat(p.loaded()).isFalse());
    }

    @Test
    void anUnknownOrBrokenPluginIsRefusedAndTheNodeCarriesOn() throws IOException {
        jar("broken", "name=broken\nversion=1.0.0\napi-version=1.0\nplugin-class=com.example.Missing\n");
        assertThatThrownBy(() -> broker.node().plugins().load("nope")).hasMessageStartingWith("no plugin nope in ")
                .hasMessageEndingWith("(there: broken)");
        assertThatThrownBy(() -> broker.node().plugins().load("broken"))
                .hasMessageStartingWith("plugin broken failed to start: java.lang.ClassNotFoundException: "
                        + "com.example.Missing");
        try (RawClient c = RawClient.connect(broker.port(), MqttVersion.MQTT_5, "still-fine")) {
            c.send(PingReqPacket.INSTANCE);
            c.receive(PingRespPacket.class);
        }
    }

    /** A plugin jar holding only a descriptor. */
    private void jar(String name, String descriptor) throws IOException {
        Files.createDirectories(home.resolve("plugins"));
        try (OutputStream file = Files.newOutputStream(home.resolve("plugins/" + name + ".jar"));
             JarOutputStream jar = new JarOutputStream(file)) {
            jar.putNextEntry(new JarEntry("starling-plugin.properties"));
            jar.write(descriptor.getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
    }
}
