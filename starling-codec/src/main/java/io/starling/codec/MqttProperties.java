package io.starling.codec;

import io.starling.api.UserProperty;
import java.util.ArrayList;
import java.util.List;

/**
 * Every MQTT 5 property, typed. Absent properties are null; the two repeatable ones are never-null lists.
 * Which packet may carry which property is checked by {@link PropertyId}.
 */
public record MqttProperties(
        Integer payloadFormatIndicator,
        Long messageExpiryInterval,
        String contentType,
        String responseTopic,
        byte[] correlationData,
        List<Integer> subscriptionIdentifiers,
        Long sessionExpiryInterval,
        String assignedClientIdentifier,
        Integer serverKeepAlive,
        String authenticationMethod,
        byte[] authenticationData,
        Integer requestProblemInformation,
        Long willDelayInterval,
        Integer requestResponseInformation,
        String responseInformation,
        String serverReference,
        String reasonString,
        Integer receiveMaximum,
        Integer topicAliasMaximum,
        Integer topicAlias,
        Integer maximumQos,
        Integer retainAvailable,
        List<UserProperty> userProperties,
        Long maximumPacketSize,
        Integer wildcardSubscriptionAvailable,
        Integer subscriptionIdentifierAvailable,
        Integer sharedSubscriptionAvailable) {

    public static final MqttProperties NONE = builder().build();

    public MqttProperties {
        subscriptionIdentifiers = subscriptionIdentifiers == null ? List.of() : List.copyOf(subscriptionIdentifiers);
        userProperties = userProperties == null ? List.of() : List.copyOf(userProperties);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The same properties without the ones a receiver may go without when a packet must shrink. */
    public MqttProperties withoutDiagnostics() {
        if (reasonString == null && userProperties.isEmpty()) {
            return this;
        }
        return toBuilder().reasonString(null).userProperties(List.of()).build();
    }

    /** Mutable assembly of an immutable {@link MqttProperties}. */
    public static final class Builder {
        private Integer payloadFormatIndicator;
        private Long messageExpiryInterval;
        private String contentType;
        private String responseTopic;
        private byte[] correlationData;
        private List<Integer> subscriptionIdentifiers = new ArrayList<>(0);
        private Long sessionExpiryInterval;
        private String assignedClientIdentifier;
        private Integer serverKeepAlive;
        private String authenticationMethod;
        private byte[] authenticationData;
        private Integer requestProblemInformation;
        private Long willDelayInterval;
        private Integer requestResponseInformation;
        private String responseInformation;
        private String serverReference;
        private String reasonString;
        private Integer receiveMaximum;
        private Integer topicAliasMaximum;
        private Integer topicAlias;
        private Integer maximumQos;
        private Integer retainAvailable;
        private List<UserProperty> userProperties = new ArrayList<>(0);
        private Long maximumPacketSize;
        private Integer wildcardSubscriptionAvailable;
        private Integer subscriptionIdentifierAvailable;
        private Integer sharedSubscriptionAvailable;

        private Builder() {
        }

        private Builder(MqttProperties p) {
            payloadFormatIndicator = p.payloadFormatIndicator;
            messageExpiryInterval = p.messageExpiryInterval;
            contentType = p.contentType;
            responseTopic = p.responseTopic;
            correlationData = p.correlationData;
            subscriptionIdentifiers = new ArrayList<>(p.subscriptionIdentifiers);
            sessionExpiryInterval = p.sessionExpiryInterval;
            assignedClientIdentifier = p.assignedClientIdentifier;
            serverKeepAlive = p.serverKeepAlive;
            authenticationMethod = p.authenticationMethod;
            authenticationData = p.authenticationData;
            requestProblemInformation = p.requestProblemInformation;
            willDelayInterval = p.willDelayInterval;
            requestResponseInformation = p.requestResponseInformation;
            responseInformation = p.responseInformation;
            serverReference = p.serverReference;
            reasonString = p.reasonString;
            receiveMaximum = p.receiveMaximum;
            topicAliasMaximum = p.topicAliasMaximum;
            topicAlias = p.topicAlias;
            maximumQos = p.maximumQos;
            retainAvailable = p.retainAvailable;
            userProperties = new ArrayList<>(p.userProperties);
            maximumPacketSize = p.maximumPacketSize;
            wildcardSubscriptionAvailable = p.wildcardSubscriptionAvailable;
            subscriptionIdentifierAvailable = p.subscriptionIdentifierAvailable;
            sharedSubscriptionAvailable = p.sharedSubscriptionAvailable;
        }

        public Builder payloadFormatIndicator(Integer v) { payloadFormatIndicator = v; return this; }
        public Builder messageExpiryInterval(Long v) { messageExpiryInterval = v; return this; }
        public Builder contentType(String v) { contentType = v; return this; }
        public Builder responseTopic(String v) { responseTopic = v; return this; }
        public Builder correlationData(byte[] v) { correlationData = v; return this; }
        public Builder subscriptionIdentifiers(List<Integer> v) { subscriptionIdentifiers = new ArrayList<>(v); return this; }
        public Builder addSubscriptionIdentifier(int v) { subscriptionIdentifiers.add(v); return this; }
        public Builder sessionExpiryInterval(Long v) { sessionExpiryInterval = v; return this; }
        public Builder assignedClientIdentifier(String v) { assignedClientIdentifier = v; return this; }
        public Builder serverKeepAlive(Integer v) { serverKeepAlive = v; return this; }
        public Builder authenticationMethod(String v) { authenticationMethod = v; return this; }
        public Builder authenticationData(byte[] v) { authenticationData = v; return this; }
        public Builder requestProblemInformation(Integer v) { requestProblemInformation = v; return this; }
        public Builder willDelayInterval(Long v) { willDelayInterval = v; return this; }
        public Builder requestResponseInformation(Integer v) { requestResponseInformation = v; return this; }
        public Builder responseInformation(String v) { responseInformation = v; return this; }
        public Builder serverReference(String v) { serverReference = v; return this; }
        public Builder reasonString(String v) { reasonString = v; return this; }
        public Builder receiveMaximum(Integer v) { receiveMaximum = v; return this; }
        public Builder topicAliasMaximum(Integer v) { topicAliasMaximum = v; return this; }
        public Builder topicAlias(Integer v) { topicAlias = v; return this; }
        public Builder maximumQos(Integer v) { maximumQos = v; return this; }
        public Builder retainAvailable(Integer v) { retainAvailable = v; return this; }
        public Builder userProperties(List<UserProperty> v) { userProperties = new ArrayList<>(v); return this; }
        public Builder addUserProperty(String name, String value) { userProperties.add(new UserProperty(name, value)); return this; }
        public Builder maximumPacketSize(Long v) { maximumPacketSize = v; return this; }
        public Builder wildcardSubscriptionAvailable(Integer v) { wildcardSubscriptionAvailable = v; return this; }
        public Builder subscriptionIdentifierAvailable(Integer v) { subscriptionIdentifierAvailable = v; return this; }
        public Builder sharedSubscriptionAvailable(Integer v) { sharedSubscriptionAvailable = v; return this; }

        public MqttProperties build() {
            return new MqttProperties(payloadFormatIndicator, messageExpiryInterval, contentType, responseTopic,
                    correlationData, subscriptionIdentifiers, sessionExpiryInterval, assignedClientIdentifier,
                    serverKeepAlive, authenticationMethod, authenticationData, requestProblemInformation,
                    willDelayInterval, requestResponseInformation, responseInformation, serverReference,
                    reasonString, receiveMaximum, topicAliasMaximum, topicAlias, maximumQos, retainAvailable,
                    userProperties, maximumPacketSize, wildcardSubscriptionAvailable,
                    subscriptionIdentifierAvailable, sharedSubscriptionAvailable);
        }
    }
}
