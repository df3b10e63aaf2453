package io.starling.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JVM options bin/starling adds: G1's fixed young generation (64m, or STARLING_YOUNG_GEN) unless the JVM options
 * size it or choose another collector, and transparent huge pages for the heap (STARLING_HUGE_PAGES) where the
 * kernel offers them; read back from the running JVM's flags, command line and memory map.
 */
class JvmOptionsIT {
    private static final Pattern MAX_NEW_SIZE = Pattern.compile("-XX:MaxNewSize=(\\d+)");
    private static final Path THP_MODE = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
    private static final String THP = "-XX:+UseTransparentHugePages";

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

    @Test
    void theHeapGetsTransparentHugePagesWhereTheKernelOffersThem() throws Exception {
        boolean offered = Files.isReadable(THP_MODE) && !Files.readString(THP_MODE).contains("[never]");
        Map<String, String> env = Map.of("STARLING_JAVA_OPTS", "-Xms128m -Xmx512m -XX:+UseG1GC");
        try (NodeProcess node = NodeProcess.in(dir.resolve("thp"), env).start()) {
            List<String> args = arguments(node);
            if (!offered) {
                assertThat(args).doesNotContain(THP);
                return;
            }
            assertThat(args).contains(THP);
            // The JVM took them: the heap it has touched since start is mapped with huge pages.
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(anonHugePagesKb(node.pid())).isPositive());
        }
    }

    @Test
    void hugePagesCanBeTurnedOffOrChosenByTheOperator() throws Exception {
        assertThat(jvmArguments(Map.of("STARLING_JAVA_OPTS", "-Xmx512m", "STARLING_HUGE_PAGES", ""), "thp off"))
                .doesNotContain(THP);
        assertThat(jvmArguments(Map.of("STARLING_JAVA_OPTS", "-Xmx512m -XX:-UseTransparentHugePages"), "thp own"))
                .contains("-XX:-UseTransparentHugePages").doesNotContain(THP);
        NodeProcess.Exit exit = NodeProcess.in(dir.resolve("thp-bad"), Map.of("STARLING_HUGE_PAGES", "yes"))
                .runUntilExit(List.of());
        assertThat(exit.code()).isEqualTo(1);
        assertThat(exit.output()).contains("STARLING_HUGE_PAGES must be \"transparent\" or empty, not \"yes\"");
    }

    private static long anonHugePagesKb(long pid) throws IOException {
        try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
            return lines.filter(l -> l.startsWith("AnonHugePages:"))
                    .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", ""))).sum();
        }
    }

    private static List<String> arguments(NodeProcess node) {
        return List.of(ProcessHandle.of(node.pid()).orElseThrow().info().arguments().orElseThrow());
    }

    /** Starts the packaged node with {@code env} and returns its JVM's command line. */
    private List<String> jvmArguments(Map<String, String> env, String name) {
        try (NodeProcess node = NodeProcess.in(dir.resolve(name), env).start()) {
            return arguments(node);
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
