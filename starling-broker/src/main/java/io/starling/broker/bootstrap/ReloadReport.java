package io.starling.broker.bootstrap;

import java.util.List;

/**
 * What {@code reload} did: {@code applied} took effect with every client still connected; {@code needsRestart}
 * are settings that changed in the file but only take effect at the next start; {@code failed}, files that could
 * not be used (what was in force stays); {@code error}, when not null, why nothing was applied (a bad
 * configuration file: its line and what is wrong).
 */
public record ReloadReport(List<String> applied, List<String> needsRestart, List<String> failed, String error) {

    public ReloadReport {
        applied = List.copyOf(applied);
        needsRestart = List.copyOf(needsRestart);
        failed = List.copyOf(failed);
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
        if (!failed.isEmpty()) {
            s.append("; not applied, the previous ones stay: ").append(String.join("; ", failed));
        }
        return s.toString();
    }
}
