package io.starling.broker.protocol;

import io.starling.api.ClientInfo;
import io.starling.api.Message;
import io.starling.api.auth.AuthRequest;
import io.starling.api.auth.AuthResult;
import io.starling.api.auth.Authorizer.Action;
import io.starling.api.hook.ConnectVerdict;
import io.starling.api.store.StoredSession;
import io.starling.broker.config.MqttConfig;
import io.starling.broker.config.TlsConfig;
import io.starling.broker.config.TlsConfig.PeerCertField;
import io.starling.broker.hook.Hooks;
import io.starling.broker.module.AutoSubscribe;
import io.starling.codec.packet.SubscribePacket;
import io.starling.codec.packet.TopicSubscription;
import java.util.List;
import io.starling.broker.session.ReservedClientIds;
import io.starling.broker.session.SessionDirectory;
import io.starling.broker.session.SessionRegistry;
import io.starling.codec.LogSafe;
import io.starling.codec.MqttProperties;
import io.starling.codec.MqttVersion;
import io.starling.codec.ReasonCode;
import io.starling.codec.packet.ConnAckPacket;
import io.starling.codec.packet.ConnectPacket;
import io.starling.codec.packet.Will;
import java.net.InetSocketAddress;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** CONNECT: checks what the client asks for, authenticates it, opens its session and answers CONNACK. */
final class ConnectFlow {
    private final MqttConnection conn;
    private final MqttConfig mqtt;
    /** Who connects, once known: for the CONNACK hook of a refusal. */
    private ClientInfo client;
    /** After enhanced authentication: its last message to the client, and its decision. */
    private byte[] serverFinal;
    private AuthResult enhancedVerdict;

    ConnectFlow(MqttConnection conn) {
        this.conn = conn;
        this.mqtt = conn.services.mqtt();
    }

    CompletionStage<?> connect(ConnectPacket connect) {
        conn.version = connect.version();
        conn.state = MqttConnection.State.CONNECTING;
        if (conn.refusal != null) {
            // MQTT 5 hears "quota exceeded", 3.1.1 "server unavailable".
            return refuse(ReasonCode.QUOTA_EXCEEDED, conn.refusal);
        }
        MqttProperties props = connect.properties();
        boolean v5 = connect.version().isV5();
        conn.clientMaxPacketSize = props.maximumPacketSize() == null ? 0 : props.maximumPacketSize();
        TlsConfig tls = conn.listener.config().tls();
        String clientId = connect.clientId();
        String username = connect.username();
        boolean assigned = false;
        if (tls != null && (tls.clientIdFrom() != PeerCertField.NONE || tls.usernameFrom() != PeerCertField.NONE)) {
            PeerCertificate peer = PeerCertificate.of(conn.channel());
            if (peer != null) {
                clientId = tls.clientIdFrom() == PeerCertField.NONE ? clientId : peer.field(tls.clientIdFrom(), clientId);
                username = tls.usernameFrom() == PeerCertField.NONE ? username : peer.field(tls.usernameFrom(), username);
            }
        }
        if (clientId.isEmpty()) {
            if (connect.version() == MqttVersion.MQTT_3_1 || (!v5 && !connect.cleanStart())) {
                return refuse(ReasonCode.CLIENT_IDENTIFIER_NOT_VALID, "an empty client id needs a clean session");
            }
            clientId = "starling-" + UUID.randomUUID();
            assigned = true;
        }
        if (clientId.length() > mqtt.maxClientIdLength()) {
            return refuse(ReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
                    "client id longer than " + mqtt.maxClientIdLength() + " characters");
        }
        String reserved = ReservedClientIds.refusal(clientId);
        if (reserved != null) {
            return refuse(ReasonCode.CLIENT_IDENTIFIER_NOT_VALID, reserved);
        }
        if (!mqtt.serverReference().isEmpty()) {
            return redirect();
        }
        Will will = connect.will();
        if (will != null) {
            if (will.qos() > mqtt.maxQos()) {
                return refuse(ReasonCode.QOS_NOT_SUPPORTED, "will QoS " + will.qos() + " above maximum " + mqtt.maxQos());
            }
            if (will.retain() && !mqtt.retainAvailable()) {
                return refuse(ReasonCode.RETAIN_NOT_SUPPORTED, "retained will but retain is not available");
            }
        }
        if (props.authenticationMethod() != null) {
            return EnhancedAuth.begin(this, conn, connect, clientId, assigned);
        }
        return proceed(connect, clientId, username, assigned);
    }

    /**
     * Enhanced authentication proved who the client is: the rest of CONNECT, with {@code serverFinal} for
     * CONNACK's Authentication Data and {@code verdict} in place of the authenticators'.
     */
    CompletionStage<?> authenticated(ConnectPacket connect, String clientId, String username, boolean assigned,
            byte[] serverFinal, AuthResult verdict) {
        conn.state = MqttConnection.State.CONNECTING;
        this.serverFinal = serverFinal;
        this.enhancedVerdict = verdict;
        return proceed(connect, clientId, username, assigned);
    }

    private CompletionStage<?> proceed(ConnectPacket connect, String clientId, String username, boolean assigned) {
        InetSocketAddress remote = ClientAddress.of(conn.channel());
        ClientInfo client = new ClientInfo(clientId, username, remote, connect.version().level(),
                conn.listener.name(), connect.keepAliveSeconds(), connect.cleanStart(), false, connect.bridge());
        this.client = client;
        String finalClientId = clientId;
        boolean finalAssigned = assigned;
        Hooks hooks = conn.services.hooks();
        if (!hooks.interceptsConnect()) {
            return authenticate(connect, client, finalClientId, finalAssigned);
        }
        CompletableFuture<ConnectVerdict> verdict = hooks.connect(client);
        if (verdict.isDone()) {
            return afterVerdict(verdict.join(), connect, client, finalClientId, finalAssigned);
        }
        return verdict.thenComposeAsync(v -> PublishFlow.orDone(conn.channel().isActive()
                ? afterVerdict(v, connect, client, finalClientId, finalAssigned) : null), conn.ctx.executor());
    }

    private CompletionStage<?> afterVerdict(ConnectVerdict verdict, ConnectPacket connect, ClientInfo client,
            String clientId, boolean assigned) {
        if (!verdict.allowed()) {
            return refuse(verdict.reasonCode(), verdict.reason() == null ? "refused by a connect hook" : verdict.reason());
        }
        return authenticate(connect, client, clientId, assigned);
    }

    private CompletionStage<?> authenticate(ConnectPacket connect, ClientInfo client, String clientId,
            boolean assigned) {
        if (enhancedVerdict != null) {
            return accept(connect, client, clientId, assigned, enhancedVerdict);
        }
        String lockedOut = conn.services.authentication().lockedOut(client);
        if (lockedOut != null) {
            return refuse(ReasonCode.CONNECTION_RATE_EXCEEDED, lockedOut);
        }
        CompletableFuture<AuthResult> auth = conn.services.authentication()
                .authenticate(new AuthRequest(client, connect.password())).toCompletableFuture();
        if (auth.isDone()) {
            return accept(connect, client, clientId, assigned, auth.join());
        }
        return auth.orTimeout(30, TimeUnit.SECONDS)
                .exceptionally(e -> AuthResult.deny("authentication failed: " + e))
                .thenComposeAsync(r -> PublishFlow.orDone(accept(connect, client, clientId, assigned, r)),
                        conn.ctx.executor());
    }

    /** Returns a stage when the will's authorization answers later, else null. */
    private CompletionStage<?> accept(ConnectPacket connect, ClientInfo client, String clientId, boolean assigned,
            AuthResult auth) {
        if (!conn.channel().isActive()) {
            return null;
        }
        if (auth.outcome() != AuthResult.Outcome.ALLOW) {
            String why = auth.reason() == null ? "authentication failed" : auth.reason();
            return refuse(connect.username() == null && connect.password() == null ? ReasonCode.NOT_AUTHORIZED
                    : ReasonCode.BAD_USER_NAME_OR_PASSWORD, why);
        }
        if (auth.superuser()) {
            client = client.asSuperuser();
        }
        Will will = connect.will();
        if (will == null) {
            return open(connect, client, clientId, assigned);
        }
        // A will may go only where its client may publish: checked now, and again by the gate when it fires.
        ClientInfo owner = client;
        CompletableFuture<Boolean> allowed = conn.services.authorization()
                .authorize(owner, Action.PUBLISH, will.topic());
        if (allowed.isDone()) {
            return willChecked(connect, owner, clientId, assigned,
                    !allowed.isCompletedExceptionally() && allowed.join());
        }
        return allowed.exceptionally(e -> false).thenComposeAsync(
                ok -> PublishFlow.orDone(willChecked(connect, owner, clientId, assigned, ok)), conn.ctx.executor());
    }

    private CompletionStage<?> willChecked(ConnectPacket connect, ClientInfo client, String clientId,
            boolean assigned, boolean allowed) {
        if (!conn.channel().isActive()) {
            return null;
        }
        if (!allowed) {
            return refuse(ReasonCode.NOT_AUTHORIZED, "not authorized to publish the will to '"
                    + LogSafe.escape(connect.will().topic()) + "'");
        }
        return open(connect, client, clientId, assigned);
    }

    /** Returns a stage when the session waits for the cluster's directory, else null. */
    private CompletionStage<?> open(ConnectPacket connect, ClientInfo client, String clientId, boolean assigned) {
        MqttProperties props = connect.properties();
        boolean v5 = connect.version().isV5();
        long requestedExpiry = v5 ? orZero(props.sessionExpiryInterval())
                : connect.cleanStart() ? 0 : StoredSession.NEVER_EXPIRES;
        long expiry = capExpiry(requestedExpiry);
        conn.connectSessionExpiry = requestedExpiry;
        conn.client = client;
        conn.connectedAtMillis = System.currentTimeMillis();
        conn.requestProblemInformation = props.requestProblemInformation() == null
                || props.requestProblemInformation() == 1;
        int clientReceiveMaximum = props.receiveMaximum() == null ? 65535 : props.receiveMaximum();
        if (v5) {
            int clientAliases = props.topicAliasMaximum() == null ? 0 : props.topicAliasMaximum();
            // Most clients allow no aliases, and most never set one: nothing per connection until they do.
            conn.outboundAliases = clientAliases == 0
                    ? OutboundTopicAliases.NONE
                    : new OutboundTopicAliases(clientAliases);
            conn.inboundAliasMaximum = mqtt.maxTopicAlias();
        }

        int keepAlive = connect.keepAliveSeconds();
        Integer serverKeepAlive = null;
        if (v5 && mqtt.maxKeepAlive() < 65535 && (keepAlive == 0 || keepAlive > mqtt.maxKeepAlive())) {
            keepAlive = mqtt.maxKeepAlive();
            serverKeepAlive = keepAlive;
        }
        MqttProperties connackProps = MqttProperties.NONE;
        if (v5) {
            MqttProperties.Builder b = MqttProperties.builder()
                    .receiveMaximum(mqtt.receiveMaximum())
                    .maximumPacketSize((long) mqtt.maxPacketSize())
                    .topicAliasMaximum(mqtt.maxTopicAlias())
                    .serverKeepAlive(serverKeepAlive)
                    .assignedClientIdentifier(assigned ? clientId : null)
                    .sessionExpiryInterval(expiry != requestedExpiry ? expiry : null)
                    .maximumQos(mqtt.maxQos() < 2 ? mqtt.maxQos() : null)
                    .retainAvailable(mqtt.retainAvailable() ? null : 0)
                    .wildcardSubscriptionAvailable(mqtt.wildcardSubscription() ? null : 0)
                    .sharedSubscriptionAvailable(mqtt.sharedSubscription() ? null : 0);
            if (serverFinal != null) {
                b.authenticationMethod(props.authenticationMethod()).authenticationData(serverFinal);
            }
            connackProps = b.build();
        }
        ConnAckPacket connAck = new ConnAckPacket(false, ReasonCode.SUCCESS, connackProps);
        if (!conn.fitsClient(connAck)) {
            // [MQTT-3.1.2-24]; a successful CONNACK has no reason string or user property to leave out.
            MqttConnection.LOG.info("{} {}: closing connection without CONNACK: {}", conn.listener.name(), conn.who(),
                    tooLarge());
            conn.state = MqttConnection.State.CLOSED;
            conn.ctx.close();
            return null;
        }
        SessionDirectory directory = conn.services.sessions().directory();
        if (assigned || directory == SessionDirectory.LOCAL) {
            // A node alone, or an id the node made up: no other node can hold its session.
            openSession(connect, client, clientId, expiry, connAck, keepAlive, clientReceiveMaximum,
                    SessionDirectory.NONE);
            return null;
        }
        // Another node may hold the session: wait for the directory as for authentication, off the event loop.
        ConnAckPacket accepted = connAck;
        int keepAliveSeconds = keepAlive;
        return directory.claim(clientId, connect.cleanStart()).handleAsync((claim, failure) -> {
            if (failure != null) {
                return conn.channel().isActive() ? refuse(ReasonCode.SERVER_UNAVAILABLE,
                        "the cluster could not settle the session: " + failure) : null;
            }
            try {
                if (conn.channel().isActive()) {
                    openSession(connect, client, clientId, expiry, accepted, keepAliveSeconds, clientReceiveMaximum,
                            claim);
                }
            } finally {
                claim.release();
            }
            return null;
        }, conn.ctx.executor());
    }

    /** Opens the session, answers CONNACK ({@code connAck}, with session present set when it is) and attaches. */
    private void openSession(ConnectPacket connect, ClientInfo client, String clientId, long expiry,
            ConnAckPacket connAck, int keepAlive, int clientReceiveMaximum, SessionDirectory.Claim claim) {
        boolean v5 = connect.version().isV5();
        Will will = connect.will();
        Message willMessage = null;
        long willDelay = 0;
        if (will != null) {
            willDelay = v5 ? orZero(will.properties().willDelayInterval()) : 0;
            willMessage = MessageMapping.willMessage(will, clientId, System.currentTimeMillis());
        }
        SessionRegistry.Opened opened = conn.services.sessions().open(clientId, connect.cleanStart(), conn, expiry,
                willMessage, willDelay);
        conn.session = opened.session();
        if (claim.epoch() != 0) {
            conn.session.epoch(claim.epoch());
        }
        conn.services.hooks().sessionOpened(client, opened.sessionPresent());
        if (opened.sessionPresent()) {
            connAck = new ConnAckPacket(true, ReasonCode.SUCCESS, connAck.properties());
        }
        conn.writeAndFlush(connAck, conn.ctx.voidPromise());
        conn.state = MqttConnection.State.CONNECTED;
        conn.services.hooks().connack(client, ReasonCode.SUCCESS);
        startKeepAlive(keepAlive);
        conn.services.sessions().attach(conn.session, conn, clientReceiveMaximum);
        AutoSubscribe auto = conn.services.autoSubscribe();
        if (auto != null) {
            List<TopicSubscription> subscriptions = auto.forClient(client);
            if (!subscriptions.isEmpty()) {
                // Before any packet the client sends after CONNECT, through the same checks as its own.
                conn.handleFirst(new SubscribePacket(SubscribeFlow.ON_BEHALF, subscriptions, MqttProperties.NONE));
            }
        }
        conn.services.hooks().connected(client, opened.sessionPresent());
        if (client.bridge()) {
            // Bridges are few and long-lived: worth a line, as Mosquitto's "New bridge connected".
            MqttConnection.LOG.info("{} {}: bridge connected ({}){}", conn.listener.name(), conn.who(),
                    connect.version(), v5 ? "" : "; its subscriptions are no-local and retain-as-published");
        } else if (MqttConnection.LOG.isDebugEnabled()) { // who() builds strings: not per connection unless asked
            MqttConnection.LOG.debug("{} {} connected, MQTT {}, clean start {}, session present {}",
                    conn.listener.name(), conn.who(), connect.version(), connect.cleanStart(), opened.sessionPresent());
        }
    }

    private void startKeepAlive(int keepAliveSeconds) {
        long timeoutNanos = (long) (keepAliveSeconds * 1_000_000_000L * mqtt.keepAliveMultiplier());
        conn.startReadDeadline(timeoutNanos);
    }

    long capExpiry(long requested) {
        long max = mqtt.maxSessionExpirySeconds();
        return max == MqttConfig.UNLIMITED ? requested : Math.min(requested, max);
    }

    private CompletionStage<?> redirect() {
        int reason = mqtt.serverMoved() ? ReasonCode.SERVER_MOVED : ReasonCode.USE_ANOTHER_SERVER;
        MqttProperties props = MqttProperties.builder().serverReference(mqtt.serverReference()).build();
        if (!send(reason, props)) {
            MqttConnection.LOG.info("{} {}: redirect not sent: {}", conn.listener.name(), conn.who(), tooLarge());
        }
        return null;
    }

    /** Answers CONNACK with a failure reason and closes; logs one line. */
    CompletionStage<?> refuse(int reasonCode, String why) {
        MqttProperties props = MqttProperties.NONE;
        if (why != null && conn.isV5()) {
            props = MqttProperties.builder().reasonString(why).build();
        }
        boolean sent = send(reasonCode, props);
        MqttConnection.LOG.info("{} {}: connection refused (reason 0x{}){}{}", conn.listener.name(), conn.who(),
                Integer.toHexString(reasonCode), why == null ? "" : ": " + why,
                sent ? "" : "; no CONNACK: " + tooLarge());
        return null;
    }

    /**
     * Sends a refusing CONNACK and closes: without its reason string if that makes it fit the client's maximum
     * packet size ([MQTT-3.2.2-19]), else not at all ([MQTT-3.1.2-24]). False when it was not sent.
     */
    private boolean send(int reasonCode, MqttProperties props) {
        conn.state = MqttConnection.State.CLOSED;
        if (conn.version == null) {
            // Unsupported protocol level: answer in the 3.1.1 format every client can read.
            conn.version = MqttVersion.MQTT_3_1_1;
        }
        ConnAckPacket connAck = new ConnAckPacket(false, reasonCode, props);
        if (!conn.fitsClient(connAck)) {
            connAck = new ConnAckPacket(false, reasonCode, props.withoutDiagnostics());
            if (!conn.fitsClient(connAck)) {
                conn.ctx.close();
                return false;
            }
        }
        conn.closeAfter(conn.writeAndFlush(connAck, conn.ctx.newPromise()));
        if (client != null) {
            conn.services.hooks().connack(client, reasonCode);
        }
        return true;
    }

    private String tooLarge() {
        return "it exceeds the client's maximum packet size " + conn.clientMaxPacketSize;
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }
}
