package io.starling.broker.bootstrap;

import io.starling.broker.config.BrokerConfig;
import io.starling.broker.config.ConfigurationException;
import io.starling.broker.config.ListenerConfig;
import io.starling.broker.config.MqttConfig;
import io.starling.broker.control.LogLevels;
import io.starling.broker.protocol.BrokerServices;
import io.starling.broker.security.UserDatabase;
import io.starling.broker.session.SessionSettings;
import io.starling.broker.transport.MqttListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code reload} ({@code starling-ctl reload}, SIGHUP): applies, with every client still connected, the ACL and
 * password files, TLS certificates, the logging configuration, and the settings of the configuration file that
 * can change while the node runs (limits, for the connections and sessions that come next); names every other
 * setting that changed as needing a restart, until the node restarts. A file that does not load changes nothing.
 */
final class Reloader {
    private static final Logger LOG = LoggerFactory.getLogger(Reloader.class);

    /** Listener settings new connections take from a reload (the address, TLS and accept rate stay). */
    private static final Set<String> LIVE_LISTENER_SETTINGS = Set.of("max_connections", "bytes_rate", "bytes_burst",
            "publish_rate", "publish_burst", "access_rules");
    /** Protocol settings fixed at start: the router's strategy and the sweep's schedule. */
    private static final Set<String> STARTUP_ONLY_MQTT = Set.of("mqtt.shared_subscription_strategy",
            "mqtt.retained_sweep_interval");

    /** Where the configuration is read again; null when the node has no file. */
    private final ConfigSource source;
    /** The settings in force, as {@code path -> value}: those of the start, and those reloads applied since. */
    private Map<String, String> inForce;

    Reloader(ConfigSource source) {
        this.source = source;
        this.inForce = source == null ? null : source.settings();
    }

    ReloadReport reload(Starling node) {
        List<String> applied = new ArrayList<>();
        List<String> needsRestart = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        if (source != null) {
            BrokerConfig fresh;
            Map<String, String> freshSettings;
            try {
                fresh = source.config();
                freshSettings = source.settings();
            } catch (ConfigurationException e) {
                ReloadReport refused = new ReloadReport(applied, needsRestart, failed, e.getMessage());
                LOG.warn("{}", refused.describe());
                return refused;
            }
            Map<String, String> next = new TreeMap<>(inForce);
            for (String changed : changed(inForce, freshSettings)) {
                if (appliesLive(changed)) {
                    applied.add(changed);
                    if (freshSettings.containsKey(changed)) {
                        next.put(changed, freshSettings.get(changed));
                    } else {
                        next.remove(changed);
                    }
                } else {
                    needsRestart.add(changed);
                }
            }
            inForce = next;
            if (!applied.isEmpty()) {
                applyLimits(node, fresh);
            }
        }
        // The files are read again whether or not they look changed: the periodic check may have been first.
        if (node.acl() != null) {
            try {
                applied.add("ACL file " + node.config().security().aclFile() + " (" + node.acl().reload() + " rules)");
            } catch (IllegalArgumentException e) {
                failed.add("ACL file: " + e.getMessage());
            }
        }
        UserDatabase users = node.users();
        if (users != null) {
            try {
                applied.add("password file " + users.file() + " (" + users.reload() + " users)");
            } catch (IllegalArgumentException e) {
                failed.add("password file: " + e.getMessage());
            }
        }
        List<String> certificates = node.reloadCertificates();
        if (!certificates.isEmpty()) {
            applied.add("TLS certificates of " + String.join(", ", certificates));
        }
        try {
            if (LogLevels.reload()) {
                applied.add("logging configuration");
            }
        } catch (NoClassDefFoundError noLogback) {
            // an embedded node without Logback: nothing of its logging to reload
        }
        ReloadReport report = new ReloadReport(applied, needsRestart, failed, null);
        LOG.info("reload: {}", report.describe());
        return report;
    }

    /** The limits of {@code fresh}, for the connections and sessions that come from now on. */
    private static void applyLimits(Starling node, BrokerConfig fresh) {
        BrokerConfig config = node.config();
        BrokerServices services = node.services();
        MqttConfig mqtt = fresh.mqtt().withStartupSettingsOf(config.mqtt());
        services.limits().update(mqtt, fresh.maxConnections());
        services.sessions().settings(SessionSettings.from(mqtt));
        for (MqttListener l : node.listeners()) {
            for (ListenerConfig lc : fresh.listeners()) {
                if (lc.id().equals(l.config().id())) {
                    l.applyLimits(lc);
                }
            }
        }
        services.authentication().allowAnonymous(fresh.allowAnonymous());
        if (fresh.authorizationNoMatchAllows() != config.authorizationNoMatchAllows()) {
            services.authorization().noMatchAllows(fresh.authorizationNoMatchAllows());
        }
        List<ListenerConfig> listeners = new ArrayList<>();
        for (ListenerConfig lc : config.listeners()) {
            listeners.add(node.listeners().stream().filter(l -> l.config().id().equals(lc.id())).findFirst()
                    .map(MqttListener::config).orElse(lc));
        }
        node.inForce(config.withListeners(listeners).withMqtt(mqtt).withMaxConnections(fresh.maxConnections())
                .withAccessDefaults(fresh.allowAnonymous(), fresh.authorizationNoMatchAllows()));
    }

    private static List<String> changed(Map<String, String> before, Map<String, String> after) {
        Set<String> keys = new TreeSet<>(before.keySet());
        keys.addAll(after.keySet());
        List<String> out = new ArrayList<>();
        for (String k : keys) {
            if (!Objects.equals(before.get(k), after.get(k))) {
                out.add(k);
            }
        }
        return out;
    }

    /**
     * Settings reload applies at once (to new connections): the protocol limits, the connection limits, what
     * anonymous clients and unmatched authorization come to.
     */
    private static boolean appliesLive(String setting) {
        return (setting.startsWith("mqtt.") && !STARTUP_ONLY_MQTT.contains(setting))
                || (setting.startsWith("listeners.") && LIVE_LISTENER_SETTINGS.contains(
                        setting.substring(setting.lastIndexOf('.') + 1)))
                || setting.equals("node.max_connections") || setting.equals("authentication.allow_anonymous")
                || setting.equals("authorization.no_match");
    }
}
