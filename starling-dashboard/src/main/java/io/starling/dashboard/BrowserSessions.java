package io.starling.dashboard;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dashboard's logged-in browsers: a random session id (the cookie) names an administrator and a CSRF token
 * until the session has been idle for the timeout or has lasted its maximum age. Held in memory: a restart of the
 * node logs everyone out, which is what an operator restarting it expects.
 */
final class BrowserSessions {
    /** Logins held at most: beyond, the oldest goes (each one took a right password, so this is a backstop). */
    static final int MAX_SESSIONS = 1000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final long timeoutMillis;
    private final long maxAgeMillis;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    /** One login: who, its CSRF token, when it began and when it was last used. */
    static final class Session {
        private final String username;
        private final String csrfToken;
        private final long created;
        private volatile long lastUsed;

        private Session(String username, String csrfToken, long created) {
            this.username = username;
            this.csrfToken = csrfToken;
            this.created = created;
            this.lastUsed = created;
        }

        String username() {
            return username;
        }

        String csrfToken() {
            return csrfToken;
        }

        /** Whether {@code token} is this session's CSRF token, in time that does not tell how much of it matched. */
        boolean csrfMatches(String token) {
            return token != null && MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                    csrfToken.getBytes(StandardCharsets.UTF_8));
        }
    }

    BrowserSessions(Duration timeout, Duration maxAge) {
        this.timeoutMillis = timeout.toMillis();
        this.maxAgeMillis = maxAge.toMillis();
    }

    /** A new session for {@code username}; returns its id, the cookie's value. */
    String create(String username, long now) {
        expire(now);
        if (sessions.size() >= MAX_SESSIONS) {
            sessions.entrySet().stream().min(java.util.Comparator.comparingLong(e -> e.getValue().lastUsed))
                    .ifPresent(e -> sessions.remove(e.getKey()));
        }
        String id = random(32);
        sessions.put(id, new Session(username, random(24), now));
        return id;
    }

    /** The live session of {@code id}, marked used now; null when there is none or it expired. */
    Session find(String id, long now) {
        if (id == null) {
            return null;
        }
        Session s = sessions.get(id);
        if (s == null) {
            return null;
        }
        if (expired(s, now)) {
            sessions.remove(id, s);
            return null;
        }
        s.lastUsed = now;
        return s;
    }

    void remove(String id) {
        if (id != null) {
            sessions.remove(id);
        }
    }

    /** Ends every session of {@code username} but {@code keep} (after its password changed, say). */
    void removeOthers(String username, String keep) {
        sessions.entrySet().removeIf(e -> e.getValue().username.equals(username) && !e.getKey().equals(keep));
    }

    int size() {
        return sessions.size();
    }

    long maxAgeSeconds() {
        return maxAgeMillis / 1000;
    }

    long timeoutSeconds() {
        return timeoutMillis / 1000;
    }

    private void expire(long now) {
        sessions.values().removeIf(s -> expired(s, now));
    }

    private boolean expired(Session s, long now) {
        return now - s.lastUsed >= timeoutMillis || now - s.created >= maxAgeMillis;
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
