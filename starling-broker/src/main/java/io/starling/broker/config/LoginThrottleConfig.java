package io.starling.broker.config;

import java.time.Duration;

/**
 * The throttle on failed MQTT logins, from {@code authentication.login_throttle}.
 *
 * @param maxFailuresPerAddress  failed logins in a row from one IP address before it is refused; 0: not counted
 * @param maxFailuresPerUsername failed logins in a row as one username, from anywhere, before it is refused; 0:
 *                               not counted
 * @param lockout                how long such an address or username is refused
 */
public record LoginThrottleConfig(int maxFailuresPerAddress, int maxFailuresPerUsername, Duration lockout) {
}
