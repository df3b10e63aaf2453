package io.starling.broker.bridge;

import java.util.List;

/**
 * What the management API and {@code starling-ctl} know of the node's bridges, without depending on the bridge
 * module: {@link #NONE} until the bridge extension puts its own in place.
 */
public interface BridgeView {

    /**
     * One bridge now.
     *
     * @param state      {@code connected}, {@code connecting}, {@code disconnected} or {@code stopped}
     * @param remote     the address it is connected or connecting to; empty when none
     * @param forwarded  messages the remote took (QoS 1/2 acknowledged, QoS 0 written)
     * @param received   messages from the remote the node took
     * @param queued     messages waiting for the remote (in flight included)
     * @param dropped    messages given up for the remote (its queue bound, too large, expired)
     * @param reconnects connections made after the first
     */
    record Status(String name, String state, String remote, String protocol, long forwarded, long received,
            long queued, long dropped, long reconnects) {

        /** As the REST API and {@code starling-ctl --json} show it. */
        public java.util.Map<String, Object> toMap() {
            java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("name", name);
            m.put("state", state);
            m.put("remote", remote);
            m.put("protocol", protocol);
            m.put("forwarded", forwarded);
            m.put("received", received);
            m.put("queued", queued);
            m.put("dropped", dropped);
            m.put("reconnects", reconnects);
            return m;
        }
    }

    List<Status> list();

    /** Disconnects the bridge until {@link #start}; its local session keeps queuing. False when there is none. */
    boolean stop(String name);

    /** Connects a stopped bridge again. False when there is none. */
    boolean start(String name);

    /** No bridges. */
    BridgeView NONE = new BridgeView() {
        @Override
        public List<Status> list() {
            return List.of();
        }

        @Override
        public boolean stop(String name) {
            return false;
        }

        @Override
        public boolean start(String name) {
            return false;
        }
    };
}
