package io.starling.stomp;

/**
 * One SUBSCRIBE of a STOMP client as the node keeps it.
 *
 * @param id           the client's subscription id, named in each MESSAGE
 * @param destination  as the client wrote it
 * @param clientFilter the MQTT filter it maps to, with its shared group if any (the session's key)
 * @param ack          how its messages are acknowledged
 * @param number       the MQTT subscription identifier that ties a delivery to this subscription
 * @param style        how MESSAGE frames name their destination
 */
record StompSubscription(String id, String destination, String clientFilter, AckMode ack, int number,
        Destinations.Style style) {

    enum AckMode {
        /** Delivered and forgotten: MQTT QoS 0, at most once. */
        AUTO("auto"),
        /** Acknowledged with every earlier message of the subscription: QoS 1, at least once. */
        CLIENT("client"),
        /** Acknowledged one by one: QoS 1, at least once. */
        CLIENT_INDIVIDUAL("client-individual");

        private final String text;

        AckMode(String text) {
            this.text = text;
        }

        String text() {
            return text;
        }

        static AckMode of(String header) {
            if (header == null) {
                return AUTO;
            }
            for (AckMode m : values()) {
                if (m.text.equals(header)) {
                    return m;
                }
            }
            return null;
        }
    }
}
