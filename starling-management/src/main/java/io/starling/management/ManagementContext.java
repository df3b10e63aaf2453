package io.starling.management;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.starling.broker.bootstrap.Starling;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What a {@link ManagementContributor} may use of the server being built: its routes, the paths it serves without
 * credentials, other ways to tell who sends a request, and the administrators' password check.
 */
public final class ManagementContext {
    private final Javalin app;
    private final Starling node;
    private final AdminAuth auth;
    private final List<String> publicPaths = new CopyOnWriteArrayList<>();
    private final List<String> publicPrefixes = new CopyOnWriteArrayList<>();
    private final List<RequestAuthenticator> authenticators = new CopyOnWriteArrayList<>();

    ManagementContext(Javalin app, Starling node, AdminAuth auth) {
        this.app = app;
        this.node = node;
        this.auth = auth;
    }

    /** Who sent a request, by other means than HTTP Basic credentials (a session cookie, say). */
    @FunctionalInterface
    public interface RequestAuthenticator {
        /**
         * {@code admin:<name>} for an administrator, null when the request is not this authenticator's to judge
         * (then the next one, and last HTTP Basic, are asked); throws {@link ApiException} to refuse it.
         */
        String authenticate(Context ctx);
    }

    /** An administrator whose password was right, and whether it must be changed before anything else. */
    public record AdminLogin(String username, boolean passwordChangeRequired) {
    }

    public Javalin app() {
        return app;
    }

    public Starling node() {
        return node;
    }

    /** Serves {@code path} (exactly) without credentials: for pages and a login form, never for data. */
    public void publicPath(String path) {
        publicPaths.add(Objects.requireNonNull(path));
    }

    /** Serves every path under {@code prefix} (which ends with /) without credentials. */
    public void publicPrefix(String prefix) {
        if (!prefix.endsWith("/")) {
            throw new IllegalArgumentException("a public prefix ends with /: " + prefix);
        }
        publicPrefixes.add(prefix);
    }

    public void authenticator(RequestAuthenticator authenticator) {
        authenticators.add(Objects.requireNonNull(authenticator));
    }

    /**
     * Checks an administrator's name and password as a request with them as Basic credentials is checked (failed
     * logins throttled per address, the default password from loopback only); throws 401, 403 or 429 as
     * {@link ApiException}. API keys are not administrators here.
     */
    public AdminLogin login(Context ctx, String name, char[] password) {
        byte[] secret = new String(password).getBytes(StandardCharsets.UTF_8);
        String who = auth.check(ctx, name, secret);
        if (!who.startsWith("admin:")) {
            throw new ApiException(401, "UNAUTHORIZED", "bad username or password");
        }
        return new AdminLogin(name, mustChangePassword(name));
    }

    /** Whether administrator {@code name} must change the default password before anything else. */
    public boolean mustChangePassword(String name) {
        return auth.mustChangePassword("admin:" + name);
    }

    /** Whether {@code name} is an administrator now (one deleted since its login is not). */
    public boolean isAdministrator(String name) {
        return auth.admins().contains(name);
    }

    boolean isPublic(String path) {
        if (publicPaths.contains(path)) {
            return true;
        }
        for (String p : publicPrefixes) {
            if (path.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /** Who the contributed authenticators say sent the request, or null. */
    String authenticate(Context ctx) {
        for (RequestAuthenticator a : authenticators) {
            String who = a.authenticate(ctx);
            if (who != null) {
                return who;
            }
        }
        return null;
    }
}
