package io.starling.api;

import java.net.InetSocketAddress;

/**
 * Who a connection is, as plugins see it.
 *
 * @param username        null when the client sent none
 * @param remoteAddress   null for clients that are not network connections (bridges, HTTP publish)
 * @param protocolVersion 3 (MQTT 3.1), 4 (3.1.1) or 5
 * @param listener        name of the listener the client connected through
 * @param keepAliveSeconds the keep-alive the client asked for in CONNECT (0 when none)
 * @param cleanStart      the clean start (3.1.1: clean session) flag of its CONNECT
 * @param superuser       an authenticator said so: authorization lets it do anything
 * @param bridge          another broker's bridge: its CONNECT set the bridge bit (0x80 in the protocol level,
 *                        Mosquitto's and RSMB's {@code try_private}). The client's own claim, not a proof of
 *                        anything: grant rights by username or client id, which it must authenticate
 */
public record ClientInfo(String clientId, String username, InetSocketAddress remoteAddress, int protocolVersion,
        String listener, int keepAliveSeconds, boolean cleanStart, boolean superuser, boolean bridge) {

    /** A client that is not a bridge. */
    public ClientInfo(String clientId, String username, InetSocketAddress remoteAddress, int protocolVersion,
            String listener, int keepAliveSeconds, boolean cleanStart, boolean superuser) {
        this(clientId, username, remoteAddress, protocolVersion, listener, keepAliveSeconds, cleanStart, superuser,
                false);
    }

    /** A client without CONNECT details: bridges, the HTTP API, tests. */
    public ClientInfo(String clientId, String username, InetSocketAddress remoteAddress, int protocolVersion,
            String listener) {
        this(clientId, username, remoteAddress, protocolVersion, listener, 0, true, false, false);
    }

    /** The same client, known to be a superuser. */
    public ClientInfo asSuperuser() {
        return new ClientInfo(clientId, username, remoteAddress, protocolVersion, listener, keepAliveSeconds,
                cleanStart, true, bridge);
    }
}
