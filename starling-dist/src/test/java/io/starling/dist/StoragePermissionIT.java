package io.starling.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data directory the node's user may not open stops the packaged node with a message that says so, and leaves
 * the stored data as it was. Root may open anything, so under root the node runs as {@code nobody}.
 */
class StoragePermissionIT {

    @TempDir
    Path dir;

    @Test
    void aStorageTheNodeMayNotOpenStopsStartUpAndIsLeftAlone() throws IOException {
        NodeProcess node = NodeProcess.in(dir, Map.of());
        node.start().stop();
        Path data = node.home().resolve("data");
        Path store = data.resolve("store");
        List<String> before = listing(store);
        assertThat(before).contains("CURRENT");

        List<String> prefix = List.of();
        if ("root".equals(System.getProperty("user.name"))) {
            // nobody may walk to the home and write its log and data directories, but not read the store.
            for (Path p = node.home(); p != null && p.startsWith(dir); p = p.getParent()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx"));
            }
            makeWorldWritable(node.home().resolve("log"));
            Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxrwxrwx"));
            Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("rwx------"));
            prefix = List.of("runuser", "-u", "nobody", "--");
        } else {
            Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("---------"));
        }
        try {
            NodeProcess.Exit exit = node.runUntilExit(prefix);
            assertThat(exit.code()).as(exit.output()).isNotZero();
            assertThat(exit.output()).contains("cannot open storage directory " + store)
                    .contains("permission denied");
        } finally {
            Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("rwx------"));
        }
        assertThat(listing(store)).isEqualTo(before);
    }

    private static void makeWorldWritable(Path tree) throws IOException {
        if (!Files.exists(tree)) {
            return;
        }
        try (Stream<Path> files = Files.walk(tree)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(Files.isDirectory(f) ? "rwxrwxrwx"
                        : "rw-rw-rw-"));
            }
        }
    }

    private static List<String> listing(Path store) throws IOException {
        try (Stream<Path> files = Files.list(store)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
