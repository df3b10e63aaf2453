package io.starling.codec;

import io.netty.buffer.ByteBuf;
import io.starling.codec.PropertyId.Carrier;
import java.util.BitSet;

/** Decodes an MQTT 5 property set and checks each property may appear, once, in the packet carrying it. */
final class PropertiesDecoder {

    private PropertiesDecoder() {
    }

    static MqttProperties decode(ByteBuf buf, Carrier carrier) {
        int length = WireReader.readVarInt(buf, "property length");
        WireReader.need(buf, length, "properties");
        if (length == 0) {
            return MqttProperties.NONE;
        }
        ByteBuf props = buf.readSlice(length);
        MqttProperties.Builder b = MqttProperties.builder();
        BitSet seen = new BitSet(0x2B);
        while (props.isReadable()) {
            int id = WireReader.readVarInt(props, "property identifier");
            PropertyId p = PropertyId.of(id);
            if (p == null) {
                throw MqttDecodeException.malformed("unknown property identifier 0x" + Integer.toHexString(id));
            }
            if (!p.allowedIn(carrier)) {
                throw MqttDecodeException.protocolError("property " + p + " is not allowed in " + carrier);
            }
            boolean repeatable = p == PropertyId.USER_PROPERTY
                    || (p == PropertyId.SUBSCRIPTION_IDENTIFIER && carrier == Carrier.PUBLISH);
            if (!repeatable && seen.get(id)) {
                throw MqttDecodeException.protocolError("property " + p + " appears more than once");
            }
            seen.set(id);
            read(props, p, b);
        }
        return b.build();
    }

    private static void read(ByteBuf in, PropertyId p, MqttProperties.Builder b) {
        String what = p.toString();
        switch (p) {
            case PAYLOAD_FORMAT_INDICATOR -> b.payloadFormatIndicator(zeroOrOne(in, what));
            case MESSAGE_EXPIRY_INTERVAL -> b.messageExpiryInterval(WireReader.readInt(in, what));
            case CONTENT_TYPE -> b.contentType(WireReader.readString(in, what));
            case RESPONSE_TOPIC -> b.responseTopic(responseTopic(in, what));
            case CORRELATION_DATA -> b.correlationData(WireReader.readBinary(in, what));
            case SUBSCRIPTION_IDENTIFIER -> {
                int id = WireReader.readVarInt(in, what);
                if (id == 0) {
                    throw MqttDecodeException.protocolError("subscription identifier 0");
                }
                b.addSubscriptionIdentifier(id);
            }
            case SESSION_EXPIRY_INTERVAL -> b.sessionExpiryInterval(WireReader.readInt(in, what));
            case ASSIGNED_CLIENT_IDENTIFIER -> b.assignedClientIdentifier(WireReader.readString(in, what));
            case SERVER_KEEP_ALIVE -> b.serverKeepAlive(WireReader.readShort(in, what));
            case AUTHENTICATION_METHOD -> b.authenticationMethod(WireReader.readString(in, what));
            case AUTHENTICATION_DATA -> b.authenticationData(WireReader.readBinary(in, what));
            case REQUEST_PROBLEM_INFORMATION -> b.requestProblemInformation(zeroOrOne(in, what));
            case WILL_DELAY_INTERVAL -> b.willDelayInterval(WireReader.readInt(in, what));
            case REQUEST_RESPONSE_INFORMATION -> b.requestResponseInformation(zeroOrOne(in, what));
            case RESPONSE_INFORMATION -> b.responseInformation(WireReader.readString(in, what));
            case SERVER_REFERENCE -> b.serverReference(WireReader.readString(in, what));
            case REASON_STRING -> b.reasonString(WireReader.readString(in, what));
            case RECEIVE_MAXIMUM -> b.receiveMaximum(nonZeroShort(in, what));
            case TOPIC_ALIAS_MAXIMUM -> b.topicAliasMaximum(WireReader.readShort(in, what));
            case TOPIC_ALIAS -> b.topicAlias(nonZeroShort(in, what));
            case MAXIMUM_QOS -> b.maximumQos(zeroOrOne(in, what));
            case RETAIN_AVAILABLE -> b.retainAvailable(zeroOrOne(in, what));
            case USER_PROPERTY -> b.addUserProperty(WireReader.readString(in, what), WireReader.readString(in, what));
            case MAXIMUM_PACKET_SIZE -> {
                long size = WireReader.readInt(in, what);
                if (size == 0) {
                    throw MqttDecodeException.protocolError("maximum packet size 0");
                }
                b.maximumPacketSize(size);
            }
            case WILDCARD_SUBSCRIPTION_AVAILABLE -> b.wildcardSubscriptionAvailable(zeroOrOne(in, what));
            case SUBSCRIPTION_IDENTIFIER_AVAILABLE -> b.subscriptionIdentifierAvailable(zeroOrOne(in, what));
            case SHARED_SUBSCRIPTION_AVAILABLE -> b.sharedSubscriptionAvailable(zeroOrOne(in, what));
        }
    }

    private static int zeroOrOne(ByteBuf in, String what) {
        int v = WireReader.readByte(in, what);
        if (v > 1) {
            throw MqttDecodeException.protocolError(what + " must be 0 or 1, was " + v);
        }
        return v;
    }

    private static int nonZeroShort(ByteBuf in, String what) {
        int v = WireReader.readShort(in, what);
        if (v == 0) {
            throw MqttDecodeException.protocolError(what + " must not be 0");
        }
        return v;
    }

    private static String responseTopic(ByteBuf in, String what) {
        String topic = WireReader.readString(in, what);
        if (!Topics.isValidTopicName(topic)) {
            throw MqttDecodeException.protocolError("response topic is not a valid topic name");
        }
        return topic;
    }
}
