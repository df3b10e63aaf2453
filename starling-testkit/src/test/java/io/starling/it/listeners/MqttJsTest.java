package io.starling.it.listeners;

import static org.assertj.core.api.Assertions.assertThat;

import io.starling.testkit.StarlingExtension;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * MQTT.js, the client of most browser and Node.js applications, over WebSocket in Node.js: installed from npm
 * into target/ on first use. Without node and npm, or without the registry, the tests are skipped, loudly.
 */
class MqttJsTest {
    private static final String MQTT_JS = "mqtt@5.16.0";
    private static final Path DIR = Path.of("target", "mqttjs").toAbsolutePath();
    private static final String SCRIPT = String.join("\n",
            "const mqtt = require('mqtt');",
            "const [url, version, id] = process.argv.slice(2);",
            "const c = mqtt.connect(url, { protocolVersion: Number(version), clientId: id, reconnectPeriod: 0,",
            "    connectTimeout: 5000 });",
            "const timer = setTimeout(() => { console.error('no message in time'); process.exit(2); }, 10000);",
            "c.on('error', (e) => { console.error('error: ' + e.message); process.exit(3); });",
            "c.on('connect', () => c.subscribe('js/' + id, { qos: 1 }, (err) => {",
            "  if (err) { console.error('subscribe: ' + err.message); process.exit(4); }",
            "  c.publish('js/' + id, 'from mqtt.js', { qos: 1 });",
            "}));",
            "c.on('message', (topic, payload) => {",
            "  console.log(topic + ' ' + payload.toString());",
            "  clearTimeout(timer);",
            "  c.end(false, () => process.exit(0));",
            "});",
            "");

    private static final ConnectedClients CLIENTS = new ConnectedClients();

    @RegisterExtension
    static final StarlingExtension BROKER = StarlingExtension.create(b -> b.config(
            "listeners.ssl.default.enabled = false\nlisteners.wss.default.enabled = false\n")
            .allListeners().storageType("memory").hookListener(CLIENTS));

    @BeforeAll
    static void installMqttJs() throws Exception {
        if (find("node") == null || find("npm") == null) {
            skip("node and npm are not on the PATH; install Debian's nodejs and npm to run the MQTT.js tests");
        }
        if (!Files.isDirectory(DIR.resolve("node_modules/mqtt"))) {
            Files.createDirectories(DIR);
            Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--loglevel=error",
                    "--prefix", DIR.toString(), MQTT_JS).redirectErrorStream(true).start();
            boolean done = npm.waitFor(180, TimeUnit.SECONDS);
            String out = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!done || npm.exitValue() != 0) {
                npm.destroyForcibly();
                skip("npm could not install " + MQTT_JS + ": " + out);
            }
        }
        Files.writeString(DIR.resolve("roundtrip.js"), SCRIPT);
    }

    private static void skip(String why) {
        System.err.println("*** SKIPPED: " + why);
        Assumptions.assumeTrue(false, why);
    }

    @ParameterizedTest(name = "MQTT {0} (protocolVersion)")
    @ValueSource(ints = {4, 5})
    void mqttJsInNodeSubscribesAndPublishesOverWebSocket(int protocolVersion) throws Exception {
        String id = "mqttjs-v" + protocolVersion;
        String url = "ws://127.0.0.1:" + BROKER.node().address("ws:default").getPort() + "/mqtt";
        Process node = new ProcessBuilder("node", DIR.resolve("roundtrip.js").toString(), url,
                String.valueOf(protocolVersion), id).redirectErrorStream(true).start();
        assertThat(node.waitFor(20, TimeUnit.SECONDS)).as("node exited").isTrue();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.exitValue()).as(out).isZero();
        assertThat(out.trim()).isEqualTo("js/" + id + " from mqtt.js");
        assertThat(CLIENTS.await(id).listener()).isEqualTo("ws:default");
        assertThat(CLIENTS.await(id).protocolVersion()).isEqualTo(protocolVersion);
    }

    private static Path find(String name) {
        String path = System.getenv("PATH");
        for (String dir : path == null ? List.<String>of() : List.of(path.split(File.pathSeparator))) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
