package io.starling.broker.security;

import io.starling.api.ClientInfo;
import io.starling.api.auth.AuthRequest;
import io.starling.api.auth.AuthResult;
import io.starling.broker.config.LoginThrottleConfig;
import io.starling.broker.metrics.BrokerMetrics;
import io.starling.codec.LogSafe;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Slows down password guessing over MQTT, as the management API does: an IP address, or a username, that fails
 * {@code max_failures_per_*} logins in a row is refused for {@code lockout}, even with the right password and
 * without a hash computed (the CONNACK says 0x9F Connection rate exceeded at once: a held connection would cost
 * the node more than the guesser). A login with credentials that is refused counts; a good one clears both counts.
 * Asking is lock-free, so the network thread asks; failures are written down on the authentication threads.
 */
public final class FailedLogins {
    private final LoginThrottle byAddress;
    private final LoginThrottle byUsername;
    private final Executor threads;
    private final BrokerMetrics metrics;

    public FailedLogins(LoginThrottleConfig config, Executor threads, BrokerMetrics metrics) {
        long lockout = config.lockout().toMillis();
        this.byAddress = config.maxFailuresPerAddress() == 0 ? null
                : new LoginThrottle(config.maxFailuresPerAddress(), lockout);
        this.byUsername = config.maxFailuresPerUsername() == 0 ? null
                : new LoginThrottle(config.maxFailuresPerUsername(), lockout);
        this.threads = threads;
        this.metrics = metrics;
    }

    /** Why the client may not try now, or null when it may. */
    String lockedOut(ClientInfo client) {
        long now = System.currentTimeMillis();
        String address = address(client.remoteAddress());
        long wait = byAddress == null || address == null ? 0 : byAddress.lockedFor(address, now);
        boolean byName = false;
        if (wait == 0 && byUsername != null && client.username() != null) {
            wait = byUsername.lockedFor(client.username(), now);
            byName = true;
        }
        if (wait == 0) {
            return null; // every connect asks: nothing built unless refused
        }
        metrics.loginLockedOut();
        String who = byName ? "as '" + LogSafe.escape(client.username()) + "'" : "from " + address;
        return "too many failed logins " + who + "; try again in " + ((wait + 999) / 1000) + " s";
    }

    /**
     * Writes the answer down and hands it on; a failure at once when {@code here} (an authentication thread), else
     * on the authentication threads, never on a network thread.
     */
    AuthResult counted(AuthRequest request, AuthResult result, boolean here) {
        ClientInfo client = request.client();
        String address = address(client.remoteAddress());
        String username = client.username();
        if (result.outcome() == AuthResult.Outcome.ALLOW) {
            if (byAddress != null && address != null) {
                byAddress.succeeded(address);
            }
            if (byUsername != null && username != null) {
                byUsername.succeeded(username);
            }
        } else if (username != null || request.password() != null) {
            long now = System.currentTimeMillis();
            Runnable failed = () -> failed(address, username, now);
            if (here) {
                failed.run();
            } else {
                try {
                    threads.execute(failed);
                } catch (RejectedExecutionException busy) {
                    // the authentication threads are flooded: this failure goes uncounted rather than onto the loop
                }
            }
        }
        return result;
    }

    private void failed(String address, String username, long now) {
        if (byAddress != null && address != null) {
            byAddress.failed(address, now);
        }
        if (byUsername != null && username != null) {
            byUsername.failed(username, now);
        }
    }

    /** The IP address as text, never looked up; null when there is none (a Unix socket). */
    private static String address(InetSocketAddress remote) {
        return remote == null || remote.getAddress() == null ? null : remote.getAddress().getHostAddress();
    }
}
