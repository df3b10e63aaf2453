package io.starling.broker.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.starling.broker.bootstrap.ConfigPaths.NodePaths;
import io.starling.broker.config.ConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where bin/starling and starling-ctl look for a node of an installation: its pid file, log and socket. */
class ConfigPathsTest {
    @TempDir
    Path home;

    private Path write(String name, String text) throws IOException {
        Path file = home.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    @Test
    void theDefaultNodeKeepsTheInstallationsDataAndLog() throws IOException {
        assertThat(ConfigPaths.of(null, Map.of(), home))
                .isEqualTo(new NodePaths(home.resolve("data"), home.resolve("log"), home.resolve("data/starling.sock")));
        write("etc/starling.conf", "node.data_dir = \"./data\"\nnode.control_socket = \"ctl.sock\"\n");
        assertThat(ConfigPaths.of(null, Map.of(), home)).as("etc/starling.conf, read when nothing else is named")
                .isEqualTo(new NodePaths(home.resolve("data"), home.resolve("log"), home.resolve("data/ctl.sock")));
    }

    @Test
    void anotherDataDirectoryTakesTheLogAlongUnlessTheLogDirectoryIsNamed() throws IOException {
        write("etc/starling.conf", "node.name = \"one\"\n");
        Path two = write("etc/node2.conf", "include \"starling.conf\"\nnode.data_dir = \"nodes/two\"\n");
        assertThat(ConfigPaths.of(two, Map.of(), home)).isEqualTo(new NodePaths(home.resolve("nodes/two"),
                home.resolve("nodes/two/log"), home.resolve("nodes/two/starling.sock")));

        Path three = write("node3.conf", "node { data_dir = \"/var/lib/n3\", log_dir = \"logs/n3\" }\n");
        assertThat(ConfigPaths.of(three, Map.of(), home).dataDir()).isEqualTo(Path.of("/var/lib/n3"));
        assertThat(ConfigPaths.of(three, Map.of(), home).logDir()).isEqualTo(home.resolve("logs/n3"));
    }

    @Test
    void theEnvironmentAndStarlingConfigCountAsForTheNode() throws IOException {
        Path two = write("etc/node2.conf", "node.data_dir = \"nodes/two\"\n");
        assertThat(ConfigPaths.of(null, Map.of("STARLING_CONFIG", two.toString()), home).dataDir())
                .isEqualTo(home.resolve("nodes/two"));
        NodePaths overridden = ConfigPaths.of(two, Map.of("STARLING_NODE__DATA_DIR", "elsewhere",
                "STARLING_NODE__LOG_DIR", "/tmp/two-log"), home);
        assertThat(overridden.dataDir()).isEqualTo(home.resolve("elsewhere"));
        assertThat(overridden.logDir()).isEqualTo(Path.of("/tmp/two-log"));
    }

    @Test
    void otherSettingsAreLeftToTheNodeButAnUnreadableFileFails() throws IOException {
        Path typo = write("typo.conf", "node.data_dir = \"d\"\nmqtt.max_inflights = 3\n");
        assertThat(ConfigPaths.of(typo, Map.of(), home).dataDir()).as("a node started before the typo is found")
                .isEqualTo(home.resolve("d"));
        Path broken = write("broken.conf", "node {\n  data_dir = \n");
        assertThatThrownBy(() -> ConfigPaths.of(broken, Map.of(), home)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("broken.conf");
        Path object = write("object.conf", "node.data_dir { a = 1 }\n");
        assertThatThrownBy(() -> ConfigPaths.of(object, Map.of(), home)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("node.data_dir must be a string");
        assertThatThrownBy(() -> ConfigPaths.of(home.resolve("missing.conf"), Map.of(), home))
                .hasMessageContaining("configuration file not found");
    }
}
