package io.starling.codec;

/** The 15 MQTT control packet types, by the value of their fixed-header type nibble. */
public enum PacketType {
    CONNECT(1), CONNACK(2), PUBLISH(3), PUBACK(4), PUBREC(5), PUBREL(6), PUBCOMP(7), SUBSCRIBE(8), SUBACK(9),
    UNSUBSCRIBE(10), UNSUBACK(11), PINGREQ(12), PINGRESP(13), DISCONNECT(14), AUTH(15);

    private static final PacketType[] BY_VALUE = new PacketType[16];

    static {
        for (PacketType t : values()) {
            BY_VALUE[t.value] = t;
        }
    }

    private final int value;

    PacketType(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    /** The type for a fixed-header nibble, or null for the reserved value 0. */
    public static PacketType of(int value) {
        return BY_VALUE[value & 0x0F];
    }

    /** Flags the specification fixes for this type's first byte; PUBLISH has none fixed. */
    int requiredFlags() {
        return switch (this) {
            case PUBREL, SUBSCRIBE, UNSUBSCRIBE -> 0x02;
            default -> 0;
        };
    }

    /** True for packets only a server may send. */
    boolean sentByServerOnly() {
        return this == CONNACK || this == SUBACK || this == UNSUBACK || this == PINGRESP;
    }

    /** True for packets only a client may send. */
    boolean sentByClientOnly() {
        return this == CONNECT || this == SUBSCRIBE || this == UNSUBSCRIBE || this == PINGREQ;
    }
}
