package io.starling.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/starling fixes G1's young generation (64m, or STARLING_YOUNG_GEN) unless the JVM options size it or choose
 * another collector: read back from the running JVM's flags.
 */
class YoungGenerationIT {
    private static final Pattern MAX_NEW_SIZE = Pattern.compile("-XX:MaxNewSize=(\\d+)");

    @TempDir
    Path dir;

    @Test
    void g1GetsTheFixedYoungGenerationAndItsSizeCanBeChosen() throws Exception {
        assertThat(maxNewSize(Map.of("STARLING_JAVA_OPTS", "-Xms128m -Xmx512m -XX:+UseG1GC"), "default"))
                .isEqualTo(64L << 20);
        assertThat(maxNewSize(Map.of("STARLING_JAVA_OPTS", "-Xms128m -Xmx512m -XX:+UseG1GC",
                "STARLING_YOUNG_GEN", "32m"), "chosen")).isEqualTo(32L << 20);
    }

    @Test
    void theOperatorsOwnSizingOrCollectorWins() throws Exception {
        // A later -XX:MaxNewSize would win over an added -Xmn anyway: the command line tells whether one was added.
        assertThat(jvmArguments(Map.of("STARLING_JAVA_OPTS", "-Xmx512m -XX:+UseG1GC -XX:MaxNewSize=96m"), "own size"))
                .contains("-XX:MaxNewSize=96m").noneMatch(a -> a.startsWith("-Xmn"));
        assertThat(jvmArguments(Map.of("STARLING_JAVA_OPTS", "-Xmx512m -XX:+UseSerialGC"), "serial"))
                .contains("-XX:+UseSerialGC").noneMatch(a -> a.startsWith("-Xmn"));
    }

    /** Starts the packaged node with {@code env} and returns its JVM's command line. */
    private List<String> jvmArguments(Map<String, String> env, String name) {
        try (NodeProcess node = NodeProcess.in(dir.resolve(name), env).start()) {
            return List.of(ProcessHandle.of(node.pid()).orElseThrow().info().arguments().orElseThrow());
        }
    }

    /** Starts the packaged node with {@code env} and reads MaxNewSize from its JVM. */
    private long maxNewSize(Map<String, String> env, String name) throws IOException, InterruptedException {
        try (NodeProcess node = NodeProcess.in(dir.resolve(name), env).start()) {
            Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(node.pid()), "VM.flags")
                    .redirectErrorStream(true).start();
            String flags = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            Matcher m = MAX_NEW_SIZE.matcher(flags);
            assertThat(m.find()).as(flags).isTrue();
            return Long.parseLong(m.group(1));
        }
    }
}
