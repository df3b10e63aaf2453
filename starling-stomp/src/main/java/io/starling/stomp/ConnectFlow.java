package io.starling.stomp;

import io.starling.api.ClientInfo;
import io.starling.api.auth.AuthRequest;
import io.starling.api.auth.AuthResult;
import io.starling.api.hook.ConnectVerdict;
import io.starling.broker.config.MqttConfig;
import io.starling.broker.protocol.BrokerServices;
import io.starling.broker.session.ReservedClientIds;
import io.starling.broker.session.SessionDirectory;
import io.starling.broker.session.SessionRegistry;
import io.starling.codec.LogSafe;
import io.starling.stomp.frame.FrameException;
import io.starling.stomp.frame.StompFrame;
import io.starling.stomp.frame.StompVersion;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * CONNECT (or STOMP): the version, the heart-beats, then the client through the node's connect hooks and
 * authenticators like an MQTT client, its session opened through the session registry, and CONNECTED.
 * {@code login}/{@code passcode} are the user name and password; {@code client-id} names the client (else the node
 * makes one up); {@code session-expiry} (seconds, capped by {@code mqtt.max_session_expiry}) keeps the session,
 * its subscriptions and its unacknowledged messages for the next connection with the same client id.
 */
final class ConnectFlow {
    /** Frame codes for the CONNACK hook: what an MQTT client would have been told. */
    private static final int SUCCESS = 0;
    private static final int BAD_CREDENTIALS = 0x86;
    private static final int NOT_AUTHORIZED = 0x87;
    private static final int CLIENT_ID_NOT_VALID = 0x85;

    private final StompConnection conn;
    private final BrokerServices services;

    ConnectFlow(StompConnection conn) {
        this.conn = conn;
        this.services = conn.gateway.services();
    }

    CompletionStage<?> connect(StompFrame f) {
        StompVersion version = StompVersion.negotiate(f.header("accept-version"));
        if (version == null) {
            // The ERROR says which versions the node speaks (its version header, before any was agreed).
            throw new FrameException("none of the versions in accept-version '" + f.header("accept-version")
                    + "' is supported (" + StompVersion.supported() + ")");
        }
        conn.version = version;
        HeartBeats beats = version.atLeast11() ? HeartBeats.negotiate(f.header("heart-beat"),
                conn.gateway.config().heartbeatSend().toMillis(), conn.gateway.config().heartbeatReceive().toMillis())
                : HeartBeats.NONE;
        MqttConfig mqtt = services.mqtt();
        String clientId = f.header("client-id");
        boolean assigned = clientId == null || clientId.isEmpty();
        if (assigned) {
            clientId = "stomp-" + UUID.randomUUID();
        } else if (clientId.length() > mqtt.maxClientIdLength()) {
            throw new FrameException("client-id longer than " + mqtt.maxClientIdLength() + " characters");
        } else if (ReservedClientIds.refusal(clientId) != null) {
            throw new FrameException(ReservedClientIds.refusal(clientId));
        }
        // A made-up id can never come back: its session would only wait for nobody.
        long expiry = assigned ? 0 : expiry(f.header("session-expiry"), mqtt);
        String passcode = f.header("passcode");
        ClientInfo client = new ClientInfo(clientId, f.header("login"), conn.sink.remoteAddress(), version.level(),
                conn.sink.listener(), (int) Math.min(Integer.MAX_VALUE, beats.expectMillis() / 1000), expiry == 0,
                false);
        conn.state = StompConnection.State.CONNECTING;
        byte[] password = passcode == null ? null : passcode.getBytes(StandardCharsets.UTF_8);
        Attempt attempt = new Attempt(client, password, beats, expiry, assigned, f);
        if (!services.hooks().interceptsConnect()) {
            return authenticate(attempt);
        }
        CompletableFuture<ConnectVerdict> verdict = services.hooks().connect(client);
        if (verdict.isDone()) {
            return afterHooks(attempt, verdict.join());
        }
        return verdict.thenComposeAsync(v -> orDone(afterHooks(attempt, v)), conn.sink::execute);
    }

    private record Attempt(ClientInfo client, byte[] password, HeartBeats beats, long expiry, boolean assigned,
            StompFrame frame) {
    }

    private static long expiry(String header, MqttConfig mqtt) {
        if (header == null) {
            return 0;
        }
        long requested;
        try {
            requested = Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            requested = -1;
        }
        if (requested < 0) {
            throw new FrameException("session-expiry must be a number of seconds, was '" + header + "'");
        }
        long max = mqtt.maxSessionExpirySeconds();
        return max == MqttConfig.UNLIMITED ? requested : Math.min(requested, max);
    }

    private CompletionStage<?> afterHooks(Attempt a, ConnectVerdict verdict) {
        if (conn.state != StompConnection.State.CONNECTING) {
            return null;
        }
        if (!verdict.allowed()) {
            return refuse(a, verdict.reasonCode(), verdict.reason() == null ? "refused by a connect hook"
                    : verdict.reason());
        }
        return authenticate(a);
    }

    private CompletionStage<?> authenticate(Attempt a) {
        String lockedOut = services.authentication().lockedOut(a.client());
        if (lockedOut != null) {
            return refuse(a, NOT_AUTHORIZED, lockedOut);
        }
        CompletableFuture<AuthResult> auth = services.authentication()
                .authenticate(new AuthRequest(a.client(), a.password())).toCompletableFuture();
        if (auth.isDone() && !auth.isCompletedExceptionally()) {
            return accept(a, auth.join());
        }
        return auth.orTimeout(30, TimeUnit.SECONDS)
                .exceptionally(e -> AuthResult.deny("authentication failed: " + e))
                .thenComposeAsync(r -> orDone(accept(a, r)), conn.sink::execute);
    }

    private CompletionStage<?> accept(Attempt a, AuthResult auth) {
        if (conn.state != StompConnection.State.CONNECTING) {
            return null;
        }
        if (auth.outcome() != AuthResult.Outcome.ALLOW) {
            return refuse(a, a.client().username() == null && a.password() == null ? NOT_AUTHORIZED : BAD_CREDENTIALS,
                    auth.reason() == null ? "authentication failed" : auth.reason());
        }
        ClientInfo client = auth.superuser() ? a.client().asSuperuser() : a.client();
        SessionDirectory directory = services.sessions().directory();
        if (a.assigned() || directory == SessionDirectory.LOCAL) {
            open(a, client, SessionDirectory.NONE);
            return null;
        }
        // Another node of the cluster may hold the session: wait for the directory, as an MQTT CONNECT does.
        return directory.claim(client.clientId(), a.expiry() == 0).thenAcceptAsync(claim -> {
            try {
                if (conn.state == StompConnection.State.CONNECTING) {
                    open(a, client, claim);
                }
            } finally {
                claim.release();
            }
        }, conn.sink::execute);
    }

    private void open(Attempt a, ClientInfo client, SessionDirectory.Claim claim) {
        conn.client = client;
        conn.connectedAtMillis = System.currentTimeMillis();
        SessionRegistry.Opened opened = services.sessions().open(client.clientId(), a.expiry() == 0, conn,
                a.expiry(), null, 0);
        conn.session = opened.session();
        if (claim.epoch() != 0) {
            conn.session.epoch(claim.epoch());
        }
        if (opened.sessionPresent()) {
            conn.session.subscriptions().values().forEach(s -> conn.subscriptions.reserve(s.subscriptionId()));
            for (StompSubscription s : conn.gateway.book().get(client.clientId())) {
                if (conn.session.hasSubscription(s.clientFilter())) {
                    conn.subscriptions.put(s);
                }
            }
        } else {
            conn.gateway.book().forget(client.clientId());
        }
        services.hooks().sessionOpened(client, opened.sessionPresent());
        StompFrame.Builder connected = StompFrame.builder("CONNECTED").header("version", conn.version.text());
        if (conn.version.atLeast11()) {
            connected.header("heart-beat", a.beats().sendMillis() + "," + a.beats().expectMillis());
        }
        connected.header("server", conn.gateway.server()).header("session", client.clientId());
        if (opened.sessionPresent()) {
            connected.header("session-present", "true");
        }
        conn.send(connected.build());
        conn.state = StompConnection.State.CONNECTED;
        conn.receipt(a.frame());
        long silence = (long) (a.beats().expectMillis() * conn.gateway.config().heartbeatTolerance());
        conn.sink.heartbeats(a.beats().sendMillis(), silence);
        services.hooks().connack(client, SUCCESS);
        services.sessions().attach(conn.session, conn, conn.gateway.config().maxInflight());
        services.hooks().connected(client, opened.sessionPresent());
        if (StompConnection.LOG.isDebugEnabled()) {
            StompConnection.LOG.debug("{} {} connected, STOMP {}, heart-beats {}, session present {}",
                    conn.sink.listener(), conn.who(), conn.version.text(), a.beats(), opened.sessionPresent());
        }
    }

    private CompletionStage<?> refuse(Attempt a, int code, String why) {
        services.hooks().connack(a.client(), code);
        conn.error(code == BAD_CREDENTIALS ? "bad login or passcode" : code == CLIENT_ID_NOT_VALID
                ? "client-id not valid" : "not authorized to connect", a.frame());
        StompConnection.LOG.info("{} client '{}': connection refused: {}", conn.sink.listener(),
                LogSafe.escape(a.client().clientId()), LogSafe.escape(why));
        return null;
    }

    private static CompletionStage<?> orDone(CompletionStage<?> stage) {
        return stage == null ? CompletableFuture.completedFuture(null) : stage;
    }
}
