package io.starling.api;

/**
 * The version of this plugin API, {@code major.minor}. A plugin declares the version it was built against; a
 * node runs it when the majors are equal and the plugin's minor is not above the node's: minors only add.
 */
public final class ApiVersion {
    public static final int MAJOR = 1;
    public static final int MINOR = 0;
    public static final String CURRENT = MAJOR + "." + MINOR;

    private ApiVersion() {
    }

    /** Whether a plugin built against {@code required} ({@code "1.0"}) runs on this API. */
    public static boolean supports(String required) {
        String[] parts = required.trim().split("\\.");
        if (parts.length < 1 || parts.length > 2) {
            return false;
        }
        try {
            int major = Integer.parseInt(parts[0]);
            int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return major == MAJOR && minor <= MINOR;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
