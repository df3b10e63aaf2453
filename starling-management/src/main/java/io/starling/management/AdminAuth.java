package io.starling.management;

import io.javalin.http.Context;
import io.starling.broker.config.ManagementConfig;
import io.starling.broker.security.LoginThrottle;
import io.starling.broker.security.UserDatabase;
import io.starling.codec.LogSafe;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may use the API: administrators (name and password) and API keys (key and secret), both as HTTP Basic
 * credentials, both stored as salted PBKDF2 hashes in their files. With no administrator yet, the default one is
 * created (admin/public) and the node warns until its password is changed; that published password is taken only
 * from loopback. Failed logins are throttled per address. An API key has a role: {@code administrator} may do
 * everything an administrator may, {@code operator} (the default) all but manage administrators and API keys; the
 * key file keeps the administrator role as the {@code superuser} flag, so keys written before roles are operators.
 */
final class AdminAuth {
    private static final Logger LOG = LoggerFactory.getLogger(AdminAuth.class);
    private static final int ITERATIONS = 10_000;
    private static final SecureRandom RANDOM = new SecureRandom();
    static final String ADMINISTRATOR = "administrator";
    static final String OPERATOR = "operator";
    /** What only administrators and administrator keys may touch. */
    private static final String[] ADMINISTRATION = {"/api/v5/admins", "/api/v5/api_key"};

    private final UserDatabase admins;
    private final UserDatabase apiKeys;
    private final ManagementConfig config;
    private final LoginThrottle throttle;
    /** Whether the default administrator still has the default password: kept, not checked per request. */
    private volatile boolean defaultPassword;

    AdminAuth(ManagementConfig config) {
        this.config = config;
        this.admins = new UserDatabase(config.adminsFile(), ITERATIONS, 4096);
        this.apiKeys = new UserDatabase(config.apiKeysFile(), ITERATIONS, 4096);
        this.throttle = new LoginThrottle(config.maxFailures(), config.lockout().toMillis());
        if (admins.isEmpty()) {
            admins.add(config.defaultUsername(), config.defaultPassword().toCharArray(), true);
        }
        refreshDefaultPassword();
        if (defaultPassword) {
            LOG.warn("management API: administrator '{}' still has the default password; change it with "
                    + "PUT /api/v5/admins/{}/password (docs/management.md)", config.defaultUsername(),
                    config.defaultUsername());
        }
    }

    UserDatabase admins() {
        return admins;
    }

    UserDatabase apiKeys() {
        return apiKeys;
    }

    boolean usesDefaultPassword() {
        return defaultPassword;
    }

    /** After the administrators changed. */
    void refreshDefaultPassword() {
        defaultPassword = admins.check(config.defaultUsername(),
                config.defaultPassword().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The default administrator with the default password may only change it (or ask whether it must): every
     * other request is refused with 403 until then, so that no node runs its API on a published password.
     */
    void requirePasswordChanged(String who, io.javalin.http.Context ctx) {
        if (!mustChangePassword(who)) {
            return;
        }
        String change = "/api/v5/admins/" + config.defaultUsername() + "/password";
        boolean allowed = (ctx.method() == io.javalin.http.HandlerType.PUT && ctx.path().equals(change))
                || ctx.path().equals("/api/v5/login");
        if (!allowed) {
            throw new ApiException(403, "PASSWORD_CHANGE_REQUIRED", "administrator '" + config.defaultUsername()
                    + "' still has the default password; change it first: PUT " + change
                    + " {\"new_password\": \"...\"}");
        }
    }

    /** Whether {@code who} is the default administrator with the default password still. */
    boolean mustChangePassword(String who) {
        return defaultPassword && who.equals("admin:" + config.defaultUsername());
    }

    /** Checks the request's credentials; throws 401 or 429. Returns who it is ({@code admin:x} or {@code key:y}). */
    String authenticate(Context ctx) {
        refuseLockedOut(ctx, System.currentTimeMillis());
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            ctx.header("WWW-Authenticate", "Basic realm=\"starling\"");
            throw new ApiException(401, "UNAUTHORIZED", "credentials required (HTTP Basic: administrator or API key)");
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ApiException(401, "UNAUTHORIZED", "the Authorization header is not valid Basic credentials");
        }
        int colon = decoded.indexOf(':');
        String name = colon < 0 ? decoded : decoded.substring(0, colon);
        byte[] secret = (colon < 0 ? "" : decoded.substring(colon + 1)).getBytes(StandardCharsets.UTF_8);
        return check(ctx, name, secret);
    }

    /** Throws 429 while the request's address is locked out for failed logins. */
    private void refuseLockedOut(Context ctx, long now) {
        long wait = throttle.lockedFor(ctx.ip(), now);
        if (wait > 0) {
            ctx.header("Retry-After", Long.toString((wait + 999) / 1000));
            throw new ApiException(429, "TOO_MANY_ATTEMPTS", "too many failed logins from " + ctx.ip()
                    + "; try again in " + ((wait + 999) / 1000) + " s");
        }
    }

    /** Checks a name and secret however they came (Basic credentials, a login form); as {@link #authenticate}. */
    String check(Context ctx, String name, byte[] secret) {
        String address = ctx.ip();
        long now = System.currentTimeMillis();
        refuseLockedOut(ctx, now);
        // One check per request, whoever it names: an unknown name costs a decoy hash in the administrators'
        // database, so that neither the time nor a second hash tells names that exist from those that do not.
        boolean key = apiKeys.contains(name);
        if (!key && !name.isEmpty() && admins.check(name, secret)) {
            throttle.succeeded(address);
            if (defaultPassword && name.equals(config.defaultUsername()) && !fromLoopback(ctx)) {
                LOG.warn("management API: the default password of '{}' refused from {} (taken from loopback only)",
                        LogSafe.escape(name), address);
                throw new ApiException(403, "DEFAULT_PASSWORD_FROM_LOOPBACK_ONLY", "administrator '" + name
                        + "' still has the default password, which is taken only from loopback (the node's own host, "
                        + "as http://localhost:<port>): change it there first, or set management.default_password "
                        + "before the first start");
            }
            return "admin:" + name;
        }
        if (key && apiKeys.check(name, secret)) {
            throttle.succeeded(address);
            return "key:" + name;
        }
        throttle.failed(address, now);
        LOG.info("management API: failed login as '{}' from {}", LogSafe.escape(name), address);
        throw new ApiException(401, "UNAUTHORIZED", "bad username or password");
    }

    /**
     * Whether the request comes from this host: the peer is a loopback address and so is the host it was sent to,
     * so that a web page whose name was pointed at 127.0.0.1 (DNS rebinding) cannot use the default password.
     */
    private static boolean fromLoopback(Context ctx) {
        String host = ctx.header("Host");
        if (host == null || !isLoopback(ctx.req().getRemoteAddr())) {
            return false;
        }
        // A reverse proxy on this host connects from loopback on behalf of anyone: what it forwards is not local.
        if (ctx.header("Forwarded") != null || ctx.header("X-Forwarded-For") != null
                || ctx.header("X-Forwarded-Host") != null || ctx.header("X-Real-IP") != null) {
            return false;
        }
        host = host.trim();
        int colon = host.lastIndexOf(':');
        if (colon > host.lastIndexOf(']')) {
            host = host.substring(0, colon);
        }
        return host.equalsIgnoreCase("localhost") || isLoopback(host);
    }

    /** An IP address literal of loopback; a name is not looked up (no DNS on a request). */
    private static boolean isLoopback(String address) {
        String a = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1)
                : address;
        boolean literal = a.contains(":") || a.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
        if (!literal || a.isEmpty()) {
            return false;
        }
        try {
            return java.net.InetAddress.getByName(a).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** Throws 403 when an operator key asks for what only administrators may do. */
    void requireRole(String who, Context ctx) {
        String path = ctx.path();
        for (String p : ADMINISTRATION) {
            if (path.equals(p) || path.startsWith(p + "/")) {
                requireAdministrator(who, "managing administrators and API keys");
            }
        }
    }

    /** Throws 403 unless the caller is an administrator or an administrator key: {@code what} says for what. */
    void requireAdministrator(Context ctx, String what) {
        requireAdministrator((String) ctx.attribute("who"), what);
    }

    private void requireAdministrator(String who, String what) {
        if (who != null && who.startsWith("key:") && !apiKeys.isSuperuser(who.substring(4))) {
            throw new ApiException(403, "FORBIDDEN", "API key '" + who.substring(4) + "' has the operator role: "
                    + what + " takes an administrator or a key with the administrator role");
        }
    }

    String keyRole(String key) {
        return apiKeys.isSuperuser(key) ? ADMINISTRATOR : OPERATOR;
    }

    /** A new key and secret; only the hash of the secret is kept, so the caller sees it this once. */
    String[] newApiKey(boolean administrator) {
        byte[] key = new byte[8];
        byte[] secret = new byte[24];
        RANDOM.nextBytes(key);
        RANDOM.nextBytes(secret);
        String k = "sk_" + HexFormat.of().formatHex(key);
        String s = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        apiKeys.add(k, s.toCharArray(), administrator);
        return new String[] {k, s};
    }
}
