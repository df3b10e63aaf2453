package io.starling.api.hook;

/**
 * What a {@link ConnectInterceptor} decided.
 *
 * @param reasonCode 0 to let the client go on; else the MQTT 5 CONNACK reason code to refuse it with (0x80
 *                   unspecified error, 0x87 not authorized, 0x88 server unavailable, 0x8A banned, 0x9F
 *                   connection rate exceeded, ...), which 3.1.1 clients hear as the nearest 3.1.1 code
 * @param reason     for the log and the MQTT 5 reason string; null when allowed
 */
public record ConnectVerdict(int reasonCode, String reason) {
    public static final ConnectVerdict ALLOW = new ConnectVerdict(0, null);

    public static ConnectVerdict refuse(int reasonCode, String reason) {
        if (reasonCode < 0x80 || reasonCode > 0xFF) {
            throw new IllegalArgumentException("a refusal takes a reason code of 0x80 or more, was " + reasonCode);
        }
        return new ConnectVerdict(reasonCode, reason);
    }

    public boolean allowed() {
        return reasonCode == 0;
    }
}
