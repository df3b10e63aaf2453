package io.starling.it.security;

import io.starling.codec.MqttProperties;
import io.starling.codec.MqttVersion;
import io.starling.codec.ReasonCode;
import io.starling.codec.packet.AckPacket;
import io.starling.codec.packet.ConnAckPacket;
import io.starling.codec.packet.ConnectPacket;
import io.starling.codec.packet.PublishPacket;
import io.starling.testkit.RawClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/** What the authentication backend tests share: the node's settings, a CONNECT's answer, a PUBLISH's. */
final class BackendClients {

    private BackendClients() {
    }

    /** No anonymous clients, no password or ACL file: the plugin under test decides; plugins from {@code home}. */
    static String nodeConfig(Path home, boolean denyUnmatched) {
        return "authentication.allow_anonymous = false\nauthentication.password_file = \"\"\n"
                + "authorization.acl_file = \"\"\n" + (denyUnmatched ? "authorization.no_match = deny\n" : "")
                + "plugins.dir = \"" + home.resolve("plugins") + "\"\n"
                + "plugins.config_dir = \"" + home.resolve("etc") + "\"\n";
    }

    /**
     * Puts the plugin's jar (built into target/test-plugins) and its settings under {@code home}, and loads it
     * (unloading it first when a test loads it again with other settings).
     */
    static void loadPlugin(io.starling.testkit.StarlingExtension broker, Path home, String plugin, String settings)
            throws java.io.IOException {
        java.nio.file.Files.createDirectories(home.resolve("plugins"));
        java.nio.file.Files.createDirectories(home.resolve("etc"));
        java.nio.file.Files.copy(Path.of("target/test-plugins/" + plugin + ".jar"),
                home.resolve("plugins/" + plugin + ".jar"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        java.nio.file.Files.writeString(home.resolve("etc/" + plugin + ".conf"), settings);
        if (broker.node().plugins().list().stream().anyMatch(p -> p.name().equals(plugin) && p.loaded())) {
            broker.node().plugins().unload(plugin);
        }
        broker.node().plugins().load(plugin);
    }

    /** Loads a backend plugin pointed at a server on {@code port}. */
    @FunctionalInterface
    interface LoadFor {
        void load(int port) throws Exception;
    }

    /**
     * Points the plugin, through {@code loadFor}, at a server that accepts connections and never says a word: a
     * check waits no longer than the plugin's timeout and is denied (on_error = deny), and a client that needs
     * no backend is answered meanwhile.
     */
    static void silentServerDeniesAtTheTimeout(io.starling.testkit.StarlingExtension broker, LoadFor loadFor)
            throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            loadFor.load(silent.getLocalPort());
            long started = System.nanoTime();
            java.util.concurrent.CompletableFuture<Integer> slow = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> connack(broker.port(), MqttVersion.MQTT_5, "slow-1", "alice", "good-pass"));
            try (java.net.Socket asked = silent.accept()) {
                // the backend is being asked and will never answer: another client is answered meanwhile
                org.assertj.core.api.Assertions.assertThat(connack(broker.port(), MqttVersion.MQTT_5, "meanwhile",
                        null, null)).as("not held up by the slow one").isEqualTo(ReasonCode.NOT_AUTHORIZED);
                org.assertj.core.api.Assertions.assertThat(slow).as("still waiting for the backend").isNotDone();
            }
            org.assertj.core.api.Assertions.assertThat(slow.get(10, java.util.concurrent.TimeUnit.SECONDS))
                    .isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
            org.assertj.core.api.Assertions.assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .as("denied at the timeout (2 s), not hanging").isLessThan(Duration.ofSeconds(6));
        }
    }

    static int connack(int port, MqttVersion version, String id, String user, String password) {
        try (RawClient c = RawClient.open(port, version)) {
            c.send(new ConnectPacket(version, id, true, 60, user,
                    password == null ? null : password.getBytes(StandardCharsets.UTF_8), null, MqttProperties.NONE));
            return c.receive(ConnAckPacket.class, Duration.ofSeconds(10)).reasonCode();
        }
    }

    /** Connects with MQTT 5 and the password {@code good-pass}; fails unless the CONNACK is a success. */
    static RawClient login(int port, String id, String user) {
        RawClient c = RawClient.open(port, MqttVersion.MQTT_5);
        c.send(new ConnectPacket(MqttVersion.MQTT_5, id, true, 60, user, "good-pass".getBytes(StandardCharsets.UTF_8),
                null, MqttProperties.NONE));
        int code = c.receive(ConnAckPacket.class, Duration.ofSeconds(10)).reasonCode();
        if (code != 0) {
            c.close();
            throw new AssertionError(id + ": CONNACK " + code);
        }
        return c;
    }

    static int publish(RawClient c, String topic) {
        c.send(new PublishPacket(1, topic, new byte[] {1}, 1, false, false, MqttProperties.NONE));
        return c.receive(AckPacket.class).reasonCode();
    }
}
