package io.starling.broker.bootstrap;

import java.util.List;

/**
 * What {@code reload} did: {@code applied} took effect with every client still connected; {@code needsRestart}
 * are settings that changed in the file but only take effect at the next start; {@code error}, when not null,
 * why nothing was applied (a bad file: its line and what is wrong).
 */
public record ReloadReport(List<String> applied, List<String> needsRestart, String error) {

    public ReloadReport {
        applied = List.copyOf(applied);
        needsRestart = List.copyOf(needsRestart);
    }

    /** For the log and the command line. */
    public String describe() {
        if (error != null) {
            return "reload refused, nothing changed: " + error;
        }
        StringBuilder s = new StringBuilder(applied.isEmpty() ? "nothing to apply" : "applied: " + String.join(", ", applied));
        if (!needsRestart.isEmpty()) {
            s.append("; changed but applied only at the next start: ").append(String.join(", ", needsRestart));
        }
        return s.toString();
    }
}
