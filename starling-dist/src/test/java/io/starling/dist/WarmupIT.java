package io.starling.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/starling warms up its connect path before it announces that it started, and then serves clients. */
class WarmupIT {
    @TempDir
    Path dir;

    @Test
    void thePackagedNodeWarmsUpBeforeItStarts() {
        try (NodeProcess node = NodeProcess.in(dir, Map.of("STARLING_NODE__WARMUP_CONNECTIONS", "3000")).start()) {
            List<String> out = node.output();
            int bound = indexOf(out, "listener tcp:default listening on");
            int warmed = indexOf(out, "warmed up the connect path: 3000 connections");
            int started = indexOf(out, " started (config: ");
            assertThat(bound).as(String.join("\n", out)).isNotNegative();
            assertThat(warmed).as("warmed up after binding").isGreaterThan(bound);
            assertThat(started).as("started after the warm-up").isGreaterThan(warmed);

            Mqtt5BlockingClient client = Mqtt5Client.builder().identifier("after-warmup").serverHost("127.0.0.1")
                    .serverPort(node.port()).buildBlocking();
            client.connect();
            client.disconnect();
        }
    }

    private static int indexOf(List<String> lines, String part) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }
}
