package io.starling.broker.protocol;

import io.starling.api.auth.AuthResult;
import io.starling.broker.security.ScramException;
import io.starling.broker.security.ScramExchange;
import io.starling.broker.security.UserDatabase;
import io.starling.codec.MqttProperties;
import io.starling.codec.ReasonCode;
import io.starling.codec.packet.AuthPacket;
import io.starling.codec.packet.ConnectPacket;
import java.util.concurrent.CompletionStage;

/**
 * MQTT 5 enhanced authentication on one connection (MQTT 5 section 4.12): the SCRAM-SHA-256 exchange of AUTH
 * packets that stands in for the password at CONNECT, and again when the client asks to re-authenticate. Each step
 * is a few HMACs against the built-in users, so it runs on the connection's thread.
 */
final class EnhancedAuth {
    private final MqttConnection conn;
    private final String method;
    private ScramExchange exchange;
    /** While CONNECT waits for the exchange: what it needs to go on. */
    private ConnectFlow connectFlow;
    private ConnectPacket connect;
    private String clientId;
    private boolean assigned;

    private EnhancedAuth(MqttConnection conn, String method) {
        this.conn = conn;
        this.method = method;
    }

    /** CONNECT named an Authentication Method: answers AUTH with the first challenge, or refuses. */
    static CompletionStage<?> begin(ConnectFlow flow, MqttConnection conn, ConnectPacket connect, String clientId,
            boolean assigned) {
        String method = connect.properties().authenticationMethod();
        UserDatabase users = conn.services.users();
        if (!ScramExchange.MECHANISM.equals(method)) {
            return flow.refuse(ReasonCode.BAD_AUTHENTICATION_METHOD, "authentication method '" + method
                    + "' is not supported (this node offers " + ScramExchange.MECHANISM + ")");
        }
        if (users == null) {
            return flow.refuse(ReasonCode.BAD_AUTHENTICATION_METHOD, ScramExchange.MECHANISM
                    + " needs the built-in users (authentication.password_file is empty)");
        }
        EnhancedAuth auth = new EnhancedAuth(conn, method);
        auth.connectFlow = flow;
        auth.connect = connect;
        auth.clientId = clientId;
        auth.assigned = assigned;
        auth.exchange = users.startScram();
        try {
            byte[] challenge = auth.exchange.first(connect.properties().authenticationData());
            conn.enhancedAuth = auth;
            conn.state = MqttConnection.State.AUTHENTICATING;
            auth.send(ReasonCode.CONTINUE_AUTHENTICATION, challenge);
            return null;
        } catch (ScramException e) {
            return auth.refuseConnect(e);
        }
    }

    /** An AUTH packet from the client, while CONNECT waits or once connected. */
    CompletionStage<?> onAuth(AuthPacket packet) {
        boolean connecting = connectFlow != null;
        if (!method.equals(packet.properties().authenticationMethod())) {
            return fail(ReasonCode.PROTOCOL_ERROR, "AUTH with method '" + packet.properties().authenticationMethod()
                    + "', not the '" + method + "' of CONNECT");
        }
        byte[] data = packet.properties().authenticationData();
        ScramExchange current = exchange;
        try {
            if (packet.reasonCode() == ReasonCode.REAUTHENTICATE && !connecting && exchange == null) {
                exchange = conn.services.users().startScram();
                send(ReasonCode.CONTINUE_AUTHENTICATION, exchange.first(data));
                return null;
            }
            if (packet.reasonCode() != ReasonCode.CONTINUE_AUTHENTICATION || exchange == null) {
                return fail(ReasonCode.PROTOCOL_ERROR, "AUTH reason 0x" + Integer.toHexString(packet.reasonCode())
                        + " out of turn");
            }
            ScramExchange done = exchange;
            exchange = null;
            byte[] serverFinal = done.last(data);
            AuthResult verdict = done.superuser() ? AuthResult.allowSuperuser() : AuthResult.allow();
            if (connecting) {
                String username = connect.username();
                if (username != null && !username.equals(done.username())) {
                    return fail(ReasonCode.BAD_USER_NAME_OR_PASSWORD, "the CONNECT user name '" + username
                            + "' is not the SCRAM user '" + done.username() + "'");
                }
                ConnectFlow flow = connectFlow;
                connectFlow = null;
                ConnectPacket c = connect;
                connect = null;
                return flow.authenticated(c, clientId, done.username(), assigned, serverFinal, verdict);
            }
            if (!done.username().equals(conn.client.username())) {
                return fail(ReasonCode.NOT_AUTHORIZED, "re-authentication as '" + done.username()
                        + "', not the connected user");
            }
            send(ReasonCode.SUCCESS, serverFinal);
            return null;
        } catch (ScramException e) {
            String user = current == null ? null : current.username();
            return fail(e.badCredentials() ? ReasonCode.BAD_USER_NAME_OR_PASSWORD : ReasonCode.NOT_AUTHORIZED,
                    e.getMessage() + (user == null ? "" : " (SCRAM user '" + user + "')"));
        }
    }

    /** A failure: CONNACK while connecting, else DISCONNECT (re-authentication failed). */
    private CompletionStage<?> fail(int reasonCode, String why) {
        if (connectFlow != null) {
            ConnectFlow flow = connectFlow;
            connectFlow = null;
            return flow.refuse(reasonCode, why);
        }
        // DISCONNECT has no 0x86: a wrong password at re-authentication is 0x87 Not authorized.
        int code = reasonCode == ReasonCode.BAD_USER_NAME_OR_PASSWORD ? ReasonCode.NOT_AUTHORIZED : reasonCode;
        MqttConnection.LOG.info("{} {}: re-authentication failed (reason 0x{}): {}", conn.listener.name(), conn.who(),
                Integer.toHexString(code), why);
        conn.closeWith(code, why);
        return null;
    }

    private CompletionStage<?> refuseConnect(ScramException e) {
        return connectFlow.refuse(e.badCredentials() ? ReasonCode.BAD_USER_NAME_OR_PASSWORD
                : ReasonCode.NOT_AUTHORIZED, e.getMessage());
    }

    private void send(int reasonCode, byte[] data) {
        conn.send(new AuthPacket(reasonCode, MqttProperties.builder().authenticationMethod(method)
                .authenticationData(data).build()));
    }
}
