package io.starling.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Sessions end when idle for the timeout or at their maximum age, whichever comes first. */
class BrowserSessionsTest {
    private final BrowserSessions sessions = new BrowserSessions(Duration.ofMinutes(30), Duration.ofHours(2));

    @Test
    void anIdleSessionExpiresAndUseKeepsItAlive() {
        String id = sessions.create("admin", 0);
        assertThat(sessions.find(id, Duration.ofMinutes(29).toMillis())).isNotNull();
        assertThat(sessions.find(id, Duration.ofMinutes(58).toMillis())).as("used 29 minutes ago").isNotNull();
        assertThat(sessions.find(id, Duration.ofMinutes(88).toMillis())).as("idle 30 minutes").isNull();
        assertThat(sessions.find(id, Duration.ofMinutes(89).toMillis())).as("gone for good").isNull();
    }

    @Test
    void aBusySessionEndsAtItsMaximumAge() {
        String id = sessions.create("admin", 0);
        for (int minute = 20; minute < 120; minute += 20) {
            assertThat(sessions.find(id, Duration.ofMinutes(minute).toMillis())).isNotNull();
        }
        assertThat(sessions.find(id, Duration.ofMinutes(120).toMillis())).isNull();
    }

    @Test
    void tokensAreUnguessableAndCheckedExactly() {
        String a = sessions.create("admin", 0);
        String b = sessions.create("admin", 0);
        assertThat(a).isNotEqualTo(b).hasSizeGreaterThanOrEqualTo(40);
        BrowserSessions.Session s = sessions.find(a, 1);
        assertThat(s.csrfMatches(s.csrfToken())).isTrue();
        assertThat(s.csrfMatches(s.csrfToken().substring(1))).isFalse();
        assertThat(s.csrfMatches(null)).isFalse();
        assertThat(s.csrfMatches(sessions.find(b, 1).csrfToken())).isFalse();
        sessions.removeOthers("admin", a);
        assertThat(sessions.find(b, 2)).isNull();
        assertThat(sessions.find(a, 2)).isNotNull();
    }

    @Test
    void theOldestGoesBeyondTheCap() {
        String first = sessions.create("admin", 0);
        for (int i = 1; i < BrowserSessions.MAX_SESSIONS; i++) {
            sessions.find(sessions.create("admin", i), i);
        }
        sessions.create("admin", BrowserSessions.MAX_SESSIONS);
        assertThat(sessions.size()).isEqualTo(BrowserSessions.MAX_SESSIONS);
        assertThat(sessions.find(first, BrowserSessions.MAX_SESSIONS + 1)).isNull();
    }
}
