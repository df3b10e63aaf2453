package io.starling.broker.config;

import java.time.Duration;

/**
 * The web dashboard served by the management HTTP server, from the {@code dashboard} section.
 *
 * @param enabled        whether the management server serves it at {@code /} (and takes its logins)
 * @param sessionTimeout how long a logged-in browser stays logged in without a request
 * @param sessionMaxAge  how long a login lasts at most, however busy
 */
public record DashboardConfig(boolean enabled, Duration sessionTimeout, Duration sessionMaxAge) {
}
