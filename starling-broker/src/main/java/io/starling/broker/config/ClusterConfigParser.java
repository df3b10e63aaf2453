package io.starling.broker.config;

import static io.starling.broker.config.ConfigValues.enumValue;
import static io.starling.broker.config.ConfigValues.invalid;
import static io.starling.broker.config.ConfigValues.positive;
import static io.starling.broker.config.ConfigValues.positiveDuration;

import com.typesafe.config.Config;
import io.starling.broker.config.ClusterConfig.Discovery;
import java.util.List;

/** Reads {@code cluster.*}; a cluster that cannot work (no cookie, no seeds) fails the start with the line. */
final class ClusterConfigParser {
    /** A cookie shorter than this is guessable: refused. */
    private static final int MIN_COOKIE_LENGTH = 16;

    private ClusterConfigParser() {
    }

    static ClusterConfig parse(Config c) {
        boolean enabled = c.getBoolean("cluster.enabled");
        ConfigValues.HostPort bind = ConfigValues.hostPort(c, "cluster.bind");
        ConfigValues.HostPort data = ConfigValues.hostPort(c, "cluster.data_bind");
        Discovery discovery = enumValue(c, "cluster.discovery", Discovery.class);
        List<String> seeds = c.getStringList("cluster.static.seeds");
        for (String seed : seeds) {
            int colon = seed.lastIndexOf(':');
            if (colon <= 0 || !seed.substring(colon + 1).matches("\\d{1,5}")) {
                throw invalid(c, "cluster.static.seeds", "must hold host:port entries, had '" + seed + "'");
            }
        }
        String name = c.getString("cluster.name");
        if (name.isBlank()) {
            throw invalid(c, "cluster.name", "must not be empty");
        }
        String cookie = c.getString("cluster.cookie");
        String dnsName = c.getString("cluster.dns.name");
        if (enabled) {
            if (cookie.length() < MIN_COOKIE_LENGTH) {
                throw invalid(c, "cluster.cookie", "must be a shared secret of at least " + MIN_COOKIE_LENGTH
                        + " characters when the cluster is enabled (every node of the cluster sets the same one)");
            }
            if (bind.host().isEmpty() || bind.host().equals("0.0.0.0") || bind.host().equals("::")) {
                throw invalid(c, "cluster.bind", "must name the address other nodes reach this node at, not '"
                        + bind.host() + "'");
            }
            if (data.host().equals("0.0.0.0") || data.host().equals("::")) {
                throw invalid(c, "cluster.data_bind", "must name the address other nodes reach this node at (or leave"
                        + " the host empty for cluster.bind's), not '" + data.host() + "'");
            }
            if (discovery == Discovery.DNS && dnsName.isBlank()) {
                throw invalid(c, "cluster.dns.name", "must name the nodes' DNS record when cluster.discovery = dns");
            }
        }
        return new ClusterConfig(enabled, name, bind.host(), bind.port(), data.host().isEmpty() ? bind.host()
                : data.host(), data.port(), discovery, seeds, dnsName, cookie, positive(c, "cluster.links_per_peer"),
                ConfigValues.nonNegativeBytes(c, "cluster.link_buffer"), positiveDuration(c, "cluster.forward_timeout"),
                positiveDuration(c, "cluster.takeover_timeout"), c.getBoolean("cluster.hand_over_on_stop"),
                enabled ? tls(c) : null);
    }

    /** cluster.ssl: each file from its own setting, else the ssl listener's (the node's own certificate). */
    private static ClusterConfig.Tls tls(Config c) {
        if (!c.getBoolean("cluster.ssl.enabled")) {
            return null;
        }
        return new ClusterConfig.Tls(file(c, "certfile"), file(c, "keyfile"), file(c, "cacertfile"));
    }

    private static java.nio.file.Path file(Config c, String key) {
        String value = c.getString("cluster.ssl." + key);
        String listener = "listeners.ssl.default.ssl." + key;
        if (value.isBlank() && c.hasPath(listener)) {
            value = c.getString(listener);
        }
        if (value.isBlank()) {
            throw invalid(c, "cluster.ssl." + key, "must name a PEM file when cluster.ssl.enabled = true (every"
                    + " connection between nodes is mutual TLS)");
        }
        // Relative to the installation, resolved by the start-up like the listeners' files; read when the cluster starts.
        return java.nio.file.Path.of(value);
    }
}
