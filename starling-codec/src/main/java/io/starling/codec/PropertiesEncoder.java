package io.starling.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.starling.api.UserProperty;

/** Sizes and writes an MQTT 5 property set. {@link #size} and {@link #write} must agree byte for byte. */
final class PropertiesEncoder {

    private PropertiesEncoder() {
    }

    /** Bytes of the properties themselves, without the length prefix. */
    static int size(MqttProperties p) {
        if (p == MqttProperties.NONE) {
            return 0;
        }
        int n = 0;
        n += p.payloadFormatIndicator() != null ? 2 : 0;
        n += p.messageExpiryInterval() != null ? 5 : 0;
        n += stringSize(p.contentType());
        n += stringSize(p.responseTopic());
        n += binarySize(p.correlationData());
        for (int id : p.subscriptionIdentifiers()) {
            n += 1 + Wire.varIntSize(id);
        }
        n += p.sessionExpiryInterval() != null ? 5 : 0;
        n += stringSize(p.assignedClientIdentifier());
        n += p.serverKeepAlive() != null ? 3 : 0;
        n += stringSize(p.authenticationMethod());
        n += binarySize(p.authenticationData());
        n += p.requestProblemInformation() != null ? 2 : 0;
        n += p.willDelayInterval() != null ? 5 : 0;
        n += p.requestResponseInformation() != null ? 2 : 0;
        n += stringSize(p.responseInformation());
        n += stringSize(p.serverReference());
        n += stringSize(p.reasonString());
        n += p.receiveMaximum() != null ? 3 : 0;
        n += p.topicAliasMaximum() != null ? 3 : 0;
        n += p.topicAlias() != null ? 3 : 0;
        n += p.maximumQos() != null ? 2 : 0;
        n += p.retainAvailable() != null ? 2 : 0;
        for (UserProperty u : p.userProperties()) {
            n += 1 + 2 + ByteBufUtil.utf8Bytes(u.name()) + 2 + ByteBufUtil.utf8Bytes(u.value());
        }
        n += p.maximumPacketSize() != null ? 5 : 0;
        n += p.wildcardSubscriptionAvailable() != null ? 2 : 0;
        n += p.subscriptionIdentifierAvailable() != null ? 2 : 0;
        n += p.sharedSubscriptionAvailable() != null ? 2 : 0;
        return n;
    }

    /** Bytes of the property section including its variable-length prefix. */
    static int sectionSize(MqttProperties p) {
        int size = size(p);
        return Wire.varIntSize(size) + size;
    }

    static void write(MqttProperties p, ByteBuf out) {
        int size = size(p);
        Wire.writeVarInt(out, size);
        if (size == 0) {
            return;
        }
        writeByte(out, PropertyId.PAYLOAD_FORMAT_INDICATOR, p.payloadFormatIndicator());
        writeInt(out, PropertyId.MESSAGE_EXPIRY_INTERVAL, p.messageExpiryInterval());
        writeString(out, PropertyId.CONTENT_TYPE, p.contentType());
        writeString(out, PropertyId.RESPONSE_TOPIC, p.responseTopic());
        writeBinary(out, PropertyId.CORRELATION_DATA, p.correlationData());
        for (int id : p.subscriptionIdentifiers()) {
            out.writeByte(PropertyId.SUBSCRIPTION_IDENTIFIER.id);
            Wire.writeVarInt(out, id);
        }
        writeInt(out, PropertyId.SESSION_EXPIRY_INTERVAL, p.sessionExpiryInterval());
        writeString(out, PropertyId.ASSIGNED_CLIENT_IDENTIFIER, p.assignedClientIdentifier());
        writeShort(out, PropertyId.SERVER_KEEP_ALIVE, p.serverKeepAlive());
        writeString(out, PropertyId.AUTHENTICATION_METHOD, p.authenticationMethod());
        writeBinary(out, PropertyId.AUTHENTICATION_DATA, p.authenticationData());
        writeByte(out, PropertyId.REQUEST_PROBLEM_INFORMATION, p.requestProblemInformation());
        writeInt(out, PropertyId.WILL_DELAY_INTERVAL, p.willDelayInterval());
        writeByte(out, PropertyId.REQUEST_RESPONSE_INFORMATION, p.requestResponseInformation());
        writeString(out, PropertyId.RESPONSE_INFORMATION, p.responseInformation());
        writeString(out, PropertyId.SERVER_REFERENCE, p.serverReference());
        writeString(out, PropertyId.REASON_STRING, p.reasonString());
        writeShort(out, PropertyId.RECEIVE_MAXIMUM, p.receiveMaximum());
        writeShort(out, PropertyId.TOPIC_ALIAS_MAXIMUM, p.topicAliasMaximum());
        writeShort(out, PropertyId.TOPIC_ALIAS, p.topicAlias());
        writeByte(out, PropertyId.MAXIMUM_QOS, p.maximumQos());
        writeByte(out, PropertyId.RETAIN_AVAILABLE, p.retainAvailable());
        for (UserProperty u : p.userProperties()) {
            out.writeByte(PropertyId.USER_PROPERTY.id);
            Wire.writeString(out, u.name());
            Wire.writeString(out, u.value());
        }
        writeInt(out, PropertyId.MAXIMUM_PACKET_SIZE, p.maximumPacketSize());
        writeByte(out, PropertyId.WILDCARD_SUBSCRIPTION_AVAILABLE, p.wildcardSubscriptionAvailable());
        writeByte(out, PropertyId.SUBSCRIPTION_IDENTIFIER_AVAILABLE, p.subscriptionIdentifierAvailable());
        writeByte(out, PropertyId.SHARED_SUBSCRIPTION_AVAILABLE, p.sharedSubscriptionAvailable());
    }

    private static int stringSize(String s) {
        return s == null ? 0 : 1 + 2 + ByteBufUtil.utf8Bytes(s);
    }

    private static int binarySize(byte[] b) {
        return b == null ? 0 : 1 + 2 + b.length;
    }

    private static void writeByte(ByteBuf out, PropertyId id, Integer v) {
        if (v != null) {
            out.writeByte(id.id);
            out.writeByte(v);
        }
    }

    private static void writeShort(ByteBuf out, PropertyId id, Integer v) {
        if (v != null) {
            out.writeByte(id.id);
            out.writeShort(v);
        }
    }

    private static void writeInt(ByteBuf out, PropertyId id, Long v) {
        if (v != null) {
            out.writeByte(id.id);
            out.writeInt((int) (long) v);
        }
    }

    private static void writeString(ByteBuf out, PropertyId id, String v) {
        if (v != null) {
            out.writeByte(id.id);
            Wire.writeString(out, v);
        }
    }

    private static void writeBinary(ByteBuf out, PropertyId id, byte[] v) {
        if (v != null) {
            out.writeByte(id.id);
            out.writeShort(v.length);
            out.writeBytes(v);
        }
    }
}
