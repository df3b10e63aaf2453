package io.starling.auth.common;

import java.util.Map;

/** What a backend that is down, slow or broken answers: deny (the default), or leave it to the next. */
public enum FailurePolicy {
    DENY, IGNORE;

    public static FailurePolicy from(Map<String, String> s) {
        String v = s.getOrDefault("on_error", "deny").trim();
        return switch (v) {
            case "deny" -> DENY;
            case "ignore" -> IGNORE;
            default -> throw new IllegalArgumentException("on_error must be deny or ignore, was '" + v + "'");
        };
    }

    /** As the settings file spells it: deny, ignore. */
    public String settingName() {
        return this == DENY ? "deny" : "ignore";
    }

    public String describe() {
        return this == DENY ? "denied (on_error = deny)" : "left to the next (on_error = ignore)";
    }
}
