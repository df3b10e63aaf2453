package io.starling.broker.config;

import static io.starling.broker.config.ConfigValues.enumValue;
import static io.starling.broker.config.ConfigValues.invalid;
import static io.starling.broker.config.ConfigValues.nonNegativeBytes;
import static io.starling.broker.config.ConfigValues.positive;
import static io.starling.broker.config.ConfigValues.positiveDuration;
import static io.starling.broker.config.ConfigValues.where;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigUtil;
import io.starling.broker.config.TlsConfig.ClientVerify;
import io.starling.broker.config.TlsConfig.PeerCertField;
import io.starling.broker.config.TlsConfig.TlsEngine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads {@code listeners.<type>.<name>}: each listener over the defaults of its type (resource
 * {@code listener-defaults.conf}), so that a new listener needs little more than its {@code bind}.
 */
final class ListenerConfigParser {
    private final Config defaults = ConfigFactory.parseResources(ListenerConfigParser.class, "/listener-defaults.conf")
            .resolve();

    /** Whether {@code listeners.<type>.<name>.<rest>} is a setting a listener of that type has. */
    boolean isKnown(List<String> path) {
        if (path.size() < 4 || type(path.get(1)) == null) {
            return false;
        }
        return defaults.hasPathOrNull(ConfigUtil.joinPath(path.get(1)) + "."
                + ConfigUtil.joinPath(path.subList(3, path.size())));
    }

    /** The enabled listeners, {@code tcp} ones first. */
    List<ListenerConfig> parse(Config root) {
        List<ListenerConfig> result = new ArrayList<>();
        Config all = root.getConfig("listeners");
        for (String typeKey : all.root().keySet()) {
            ListenerType type = type(typeKey);
            if (type == null) {
                throw new ConfigurationException(where(all.getValue(ConfigUtil.joinPath(typeKey))
                        .origin()) + ": unknown listener type 'listeners." + typeKey + "' (expected tcp, ssl, ws or wss)");
            }
            Config ofType = all.getConfig(ConfigUtil.joinPath(typeKey));
            for (String name : ofType.root().keySet()) {
                String prefix = "listeners." + typeKey + "." + ConfigUtil.joinPath(name);
                // Kept at its full path so that every error names the listener's own key.
                Config l = root.getConfig(prefix).withFallback(defaults.getConfig(typeKey)).atPath(prefix);
                if (l.getBoolean(prefix + ".enabled")) {
                    result.add(listener(type, name, prefix, l));
                }
            }
        }
        result.sort(Comparator.comparing(ListenerConfig::type).thenComparing(l -> !l.name().equals("default")));
        return result;
    }

    private static ListenerType type(String key) {
        for (ListenerType t : ListenerType.values()) {
            if (t.key().equals(key)) {
                return t;
            }
        }
        return null;
    }

    private ListenerConfig listener(ListenerType type, String name, String prefix, Config l) {
        ConfigValues.HostPort bind = ConfigValues.hostPort(l, prefix + ".bind");
        String host = bind.host();
        int port = bind.port();
        AccessRules access;
        try {
            access = AccessRules.parse(l.getStringList(prefix + ".access_rules"));
        } catch (IllegalArgumentException e) {
            throw invalid(l, prefix + ".access_rules", e.getMessage());
        }
        TrustedProxies trusted;
        try {
            trusted = TrustedProxies.parse(l.getStringList(prefix + ".trusted_proxies"));
        } catch (IllegalArgumentException e) {
            throw invalid(l, prefix + ".trusted_proxies", e.getMessage());
        }
        RateLimits limits = new RateLimits(nonNegativeRate(l, prefix + ".max_conn_rate"),
                nonNegativeBytes(l, prefix + ".bytes_rate"), nonNegativeBytes(l, prefix + ".bytes_burst"),
                nonNegativeRate(l, prefix + ".publish_rate"), (long) nonNegativeRate(l, prefix + ".publish_burst"));
        return new ListenerConfig(type, name, host, port, positive(l, prefix + ".acceptors"),
                positive(l, prefix + ".max_connections"),
                l.getBoolean(prefix + ".reuse_port"), limits, access, l.getBoolean(prefix + ".proxy_protocol"),
                positiveDuration(l, prefix + ".proxy_protocol_timeout"), trusted,
                type.tls() ? tls(l, prefix + ".ssl") : null,
                type.webSocket() ? webSocket(l, prefix + ".websocket") : null);
    }

    /** The TLS settings under {@code prefix} (a listener's {@code ssl} block, or one shaped like it). */
    static TlsConfig tls(Config t, String prefix) {
        List<String> versions = t.getStringList(prefix + ".versions");
        for (String v : versions) {
            if (!List.of("TLSv1.2", "TLSv1.3").contains(v)) {
                throw invalid(t, prefix + ".versions", "may hold TLSv1.2 and TLSv1.3, not '" + v + "'");
            }
        }
        if (versions.isEmpty()) {
            throw invalid(t, prefix + ".versions", "must name at least one of TLSv1.2, TLSv1.3");
        }
        Path cert = optionalPath(t, prefix + ".certfile");
        Path key = optionalPath(t, prefix + ".keyfile");
        if ((cert == null) != (key == null)) {
            String missing = cert == null ? "certfile" : "keyfile";
            String given = cert == null ? "keyfile" : "certfile";
            throw invalid(t, prefix + "." + given, "needs " + missing + " too: a certificate and its key go together");
        }
        ClientVerify verify = enumValue(t, prefix + ".verify", ClientVerify.class);
        Path ca = optionalPath(t, prefix + ".cacertfile");
        PeerCertField clientId = enumValue(t, prefix + ".peer_cert_as_clientid", PeerCertField.class);
        if (verify != ClientVerify.NONE && ca == null) {
            throw invalid(t, prefix + ".verify", "= " + verify.name().toLowerCase(java.util.Locale.ROOT)
                    + " needs cacertfile, the CA that issues the clients' certificates: without it, any certificate a"
                    + " public CA issued would pass as a client's" + (clientId != PeerCertField.NONE
                            ? ", and through peer_cert_as_clientid name any client" : ""));
        }
        return new TlsConfig(cert, key, t.getString(prefix + ".key_password"), ca,
                verify, versions, t.getStringList(prefix + ".ciphers"), enumValue(t, prefix + ".engine", TlsEngine.class),
                enumValue(t, prefix + ".peer_cert_as_username", PeerCertField.class), clientId,
                positiveDuration(t, prefix + ".reload_interval"), positiveDuration(t, prefix + ".handshake_timeout"));
    }

    private static WebSocketConfig webSocket(Config w, String prefix) {
        String path = w.getString(prefix + ".path");
        if (!path.startsWith("/")) {
            throw invalid(w, prefix + ".path", "must start with '/', was '" + path + "'");
        }
        return new WebSocketConfig(path, w.getBoolean(prefix + ".fail_if_no_subprotocol"),
                w.getStringList(prefix + ".allowed_origins"), w.getString(prefix + ".proxy_address_header").trim());
    }

    private static Path optionalPath(Config c, String path) {
        String value = c.getString(path).trim();
        return value.isEmpty() ? null : Path.of(value);
    }

    private static double nonNegativeRate(Config c, String path) {
        double v = c.getDouble(path);
        if (v < 0) {
            throw invalid(c, path, "must not be negative (0 is no limit)");
        }
        return v;
    }
}
