package io.starling.stomp.frame;

import java.util.List;

/** The STOMP versions the node speaks; they differ in header escaping, heart-beats and acknowledgement headers. */
public enum StompVersion {
    V1_0("1.0", 10), V1_1("1.1", 11), V1_2("1.2", 12);

    private final String text;
    private final int level;

    StompVersion(String text, int level) {
        this.text = text;
        this.level = level;
    }

    public String text() {
        return text;
    }

    /** 10, 11 or 12: what client listings show as the protocol version of a STOMP client. */
    public int level() {
        return level;
    }

    /** Whether this version has heart-beats, NACK and escaped headers (1.1 and later). */
    public boolean atLeast11() {
        return this != V1_0;
    }

    /**
     * The highest version in {@code accept-version} (a comma separated list) the node speaks; 1.0 when the header
     * is absent, as the specification says; null when none of them.
     */
    public static StompVersion negotiate(String acceptVersion) {
        if (acceptVersion == null) {
            return V1_0;
        }
        List<String> offered = List.of(acceptVersion.split(","));
        StompVersion best = null;
        for (String v : offered) {
            for (StompVersion s : values()) {
                if (s.text.equals(v.trim()) && (best == null || s.level > best.level)) {
                    best = s;
                }
            }
        }
        return best;
    }

    /** "1.0,1.1,1.2": what an ERROR says the node supports. */
    public static String supported() {
        return "1.0,1.1,1.2";
    }
}
