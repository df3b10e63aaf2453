package io.starling.dashboard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An ACL file for the tests' nodes: a rule of each kind the pages show, ending in "allow all", so that the other
 * tests' clients may do what they do without it.
 */
final class AclFiles {
    static final int RULES = 3;

    private AclFiles() {
    }

    /** Writes the file (a node reads it at its start) and answers its path. */
    static Path write(Path file) {
        try {
            Files.writeString(file, """
                    rules = [
                      { permission = deny, who = all, action = subscribe, topics = ["eq #"] }
                      { permission = allow, who = { user = "sensor-1" }, action = publish, topics = ["sensors/%c/#"] }
                      { permission = allow, who = all }
                    ]
                    """);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
