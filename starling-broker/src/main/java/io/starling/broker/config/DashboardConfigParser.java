package io.starling.broker.config;

import static io.starling.broker.config.ConfigValues.invalid;
import static io.starling.broker.config.ConfigValues.positiveDuration;

import com.typesafe.config.Config;
import java.time.Duration;

/** Reads {@code dashboard.*}. */
final class DashboardConfigParser {

    private DashboardConfigParser() {
    }

    static DashboardConfig parse(Config c) {
        Duration timeout = positiveDuration(c, "dashboard.session_timeout");
        Duration maxAge = positiveDuration(c, "dashboard.session_max_age");
        if (maxAge.compareTo(timeout) < 0) {
            throw invalid(c, "dashboard.session_max_age", "must not be shorter than dashboard.session_timeout ("
                    + timeout + ")");
        }
        return new DashboardConfig(c.getBoolean("dashboard.enabled"), timeout, maxAge);
    }
}
