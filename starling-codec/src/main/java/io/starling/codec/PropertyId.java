package io.starling.codec;

import java.util.EnumSet;
import java.util.Set;

/** MQTT 5 property identifiers: wire type and the packets that may carry each (spec table 2-4). */
enum PropertyId {
    PAYLOAD_FORMAT_INDICATOR(0x01, Kind.BYTE, Carrier.PUBLISH, Carrier.WILL),
    MESSAGE_EXPIRY_INTERVAL(0x02, Kind.INT, Carrier.PUBLISH, Carrier.WILL),
    CONTENT_TYPE(0x03, Kind.STRING, Carrier.PUBLISH, Carrier.WILL),
    RESPONSE_TOPIC(0x08, Kind.STRING, Carrier.PUBLISH, Carrier.WILL),
    CORRELATION_DATA(0x09, Kind.BINARY, Carrier.PUBLISH, Carrier.WILL),
    SUBSCRIPTION_IDENTIFIER(0x0B, Kind.VARINT, Carrier.PUBLISH, Carrier.SUBSCRIBE),
    SESSION_EXPIRY_INTERVAL(0x11, Kind.INT, Carrier.CONNECT, Carrier.CONNACK, Carrier.DISCONNECT),
    ASSIGNED_CLIENT_IDENTIFIER(0x12, Kind.STRING, Carrier.CONNACK),
    SERVER_KEEP_ALIVE(0x13, Kind.SHORT, Carrier.CONNACK),
    AUTHENTICATION_METHOD(0x15, Kind.STRING, Carrier.CONNECT, Carrier.CONNACK, Carrier.AUTH),
    AUTHENTICATION_DATA(0x16, Kind.BINARY, Carrier.CONNECT, Carrier.CONNACK, Carrier.AUTH),
    REQUEST_PROBLEM_INFORMATION(0x17, Kind.BYTE, Carrier.CONNECT),
    WILL_DELAY_INTERVAL(0x18, Kind.INT, Carrier.WILL),
    REQUEST_RESPONSE_INFORMATION(0x19, Kind.BYTE, Carrier.CONNECT),
    RESPONSE_INFORMATION(0x1A, Kind.STRING, Carrier.CONNACK),
    SERVER_REFERENCE(0x1C, Kind.STRING, Carrier.CONNACK, Carrier.DISCONNECT),
    REASON_STRING(0x1F, Kind.STRING, Carrier.CONNACK, Carrier.ACK, Carrier.SUBACK, Carrier.UNSUBACK,
            Carrier.DISCONNECT, Carrier.AUTH),
    RECEIVE_MAXIMUM(0x21, Kind.SHORT, Carrier.CONNECT, Carrier.CONNACK),
    TOPIC_ALIAS_MAXIMUM(0x22, Kind.SHORT, Carrier.CONNECT, Carrier.CONNACK),
    TOPIC_ALIAS(0x23, Kind.SHORT, Carrier.PUBLISH),
    MAXIMUM_QOS(0x24, Kind.BYTE, Carrier.CONNACK),
    RETAIN_AVAILABLE(0x25, Kind.BYTE, Carrier.CONNACK),
    USER_PROPERTY(0x26, Kind.PAIR, Carrier.values()),
    MAXIMUM_PACKET_SIZE(0x27, Kind.INT, Carrier.CONNECT, Carrier.CONNACK),
    WILDCARD_SUBSCRIPTION_AVAILABLE(0x28, Kind.BYTE, Carrier.CONNACK),
    SUBSCRIPTION_IDENTIFIER_AVAILABLE(0x29, Kind.BYTE, Carrier.CONNACK),
    SHARED_SUBSCRIPTION_AVAILABLE(0x2A, Kind.BYTE, Carrier.CONNACK);

    enum Kind { BYTE, SHORT, INT, VARINT, STRING, BINARY, PAIR }

    /** The packets (and the will in CONNECT) that carry property sets; PUBACK/PUBREC/PUBREL/PUBCOMP are ACK. */
    enum Carrier { CONNECT, WILL, CONNACK, PUBLISH, ACK, SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK, DISCONNECT, AUTH }

    private static final PropertyId[] BY_ID = new PropertyId[0x2B];

    static {
        for (PropertyId p : values()) {
            BY_ID[p.id] = p;
        }
    }

    final int id;
    final Kind kind;
    private final Set<Carrier> carriers;

    PropertyId(int id, Kind kind, Carrier... carriers) {
        this.id = id;
        this.kind = kind;
        this.carriers = EnumSet.noneOf(Carrier.class);
        this.carriers.addAll(java.util.Arrays.asList(carriers));
    }

    boolean allowedIn(Carrier carrier) {
        return carriers.contains(carrier);
    }

    static PropertyId of(int id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
    }
}
