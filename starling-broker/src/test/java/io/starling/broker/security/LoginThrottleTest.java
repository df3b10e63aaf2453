package io.starling.broker.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The lockout after failed logins, and a table that stays bounded whatever addresses come. */
class LoginThrottleTest {

    @Test
    void anAddressIsLockedOutAfterItsFailuresUntilTheLockoutPasses() {
        LoginThrottle t = new LoginThrottle(3, 60_000);
        t.failed("10.0.0.1", 0);
        t.failed("10.0.0.1", 1);
        assertThat(t.lockedFor("10.0.0.1", 2)).isZero();
        t.failed("10.0.0.1", 2);
        assertThat(t.lockedFor("10.0.0.1", 3)).isEqualTo(59_999);
        assertThat(t.lockedFor("10.0.0.2", 3)).as("another address").isZero();
        assertThat(t.lockedFor("10.0.0.1", 60_002)).isZero();
        t.failed("10.0.0.1", 60_003);
        assertThat(t.lockedFor("10.0.0.1", 60_004)).as("a new count after the lockout").isZero();
        t.succeeded("10.0.0.1");
        assertThat(t.tracked()).isZero();
    }

    @Test
    void addressesWhoseLockoutPassedAreForgottenWhenTheTableIsFull() {
        LoginThrottle t = new LoginThrottle(1, 1_000, 100);
        for (int i = 0; i < 100; i++) {
            t.failed("10.0.1." + i, 0); // each locked out at once, until 1000
        }
        t.failed("10.0.2.1", 5_000); // the table is full: the passed lockouts go
        assertThat(t.tracked()).isEqualTo(1);
        for (int i = 0; i < 99; i++) {
            t.failed("10.0.3." + i, 6_000);
        }
        t.failed("10.0.4.1", 6_500); // full again, every entry still locked: kept
        assertThat(t.lockedFor("10.0.3.7", 6_600)).isPositive();
        t.failed("10.0.4.2", 6_500); // full of lockouts that hold: the newcomer is not kept, the table stays bounded
        assertThat(t.tracked()).isEqualTo(100);
        assertThat(t.lockedFor("10.0.4.2", 6_600)).isZero();
    }
}
