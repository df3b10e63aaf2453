package io.starling.codec;

/** A packet broke the specification; {@link #reasonCode()} is the MQTT 5 reason code that says how. */
public final class MqttDecodeException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int reasonCode;

    public MqttDecodeException(int reasonCode, String message) {
        super(message, null, false, false);
        this.reasonCode = reasonCode;
    }

    public int reasonCode() {
        return reasonCode;
    }

    static MqttDecodeException malformed(String message) {
        return new MqttDecodeException(ReasonCode.MALFORMED_PACKET, message);
    }

    static MqttDecodeException protocolError(String message) {
        return new MqttDecodeException(ReasonCode.PROTOCOL_ERROR, message);
    }
}
