package io.starling.broker.config;

import static io.starling.broker.config.ConfigValues.enumValue;
import static io.starling.broker.config.ConfigValues.invalid;
import static io.starling.broker.config.ConfigValues.nonNegative;
import static io.starling.broker.config.ConfigValues.nonNegativeBytes;
import static io.starling.broker.config.ConfigValues.nonNegativeDuration;
import static io.starling.broker.config.ConfigValues.positive;
import static io.starling.broker.config.ConfigValues.positiveDuration;
import static io.starling.broker.config.ConfigValues.where;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import io.starling.api.store.SyncPolicy;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the HOCON configuration: the user's file over the built-in defaults, then {@code STARLING_*}
 * environment overrides. Unknown keys and wrong types fail with the file, the line and the key.
 */
public final class ConfigLoader {

    /** Environment variables with this prefix and a double underscore override settings. */
    public static final String ENV_PREFIX = "STARLING_";
    private static final ListenerConfigParser LISTENERS = new ListenerConfigParser();
    private static final Set<String> RULE_KEYS = Set.of("permission", "action", "topic");

    private ConfigLoader() {
    }

    /** Loads {@code file} (which must exist) over the defaults, with overrides from {@code env}. */
    public static BrokerConfig load(Path file, Map<String, String> env) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigurationException(file + ": configuration file not found");
        }
        Config user;
        try {
            user = ConfigFactory.parseFile(file.toFile(),
                    ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setAllowMissing(false));
        } catch (ConfigException e) {
            throw new ConfigurationException(describe(e), e);
        }
        return build(user, env, file.toString());
    }

    /**
     * Every setting in effect, as {@code path -> value} ({@code mqtt.max_inflight -> 32}), from {@code file}
     * (null: the defaults) and {@code env} over the defaults: what {@code reload} compares to name what changed.
     */
    public static Map<String, String> settings(Path file, Map<String, String> env) {
        Config user = ConfigFactory.empty();
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new ConfigurationException(file + ": configuration file not found");
            }
            try {
                user = ConfigFactory.parseFile(file.toFile(),
                        ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setAllowMissing(false));
            } catch (ConfigException e) {
                throw new ConfigurationException(describe(e), e);
            }
        }
        Config reference = ConfigFactory.parseResources(ConfigLoader.class, "/reference.conf");
        Config c = applyEnv(user, env).withFallback(reference).resolve();
        Map<String, String> out = new java.util.TreeMap<>();
        for (Map.Entry<String, ConfigValue> e : c.entrySet()) {
            out.put(e.getKey(), e.getValue().render(com.typesafe.config.ConfigRenderOptions.concise()));
        }
        return out;
    }

    /** The defaults alone, with overrides from {@code env}: what an embedded node or a test starts from. */
    public static BrokerConfig defaults(Map<String, String> env) {
        return build(ConfigFactory.empty(), env, "defaults");
    }

    /** Parses HOCON text over the defaults; used by embedding callers and tests. */
    public static BrokerConfig fromString(String hocon) {
        Config user;
        try {
            user = ConfigFactory.parseString(hocon, ConfigParseOptions.defaults().setOriginDescription("config"));
        } catch (ConfigException e) {
            throw new ConfigurationException(describe(e), e);
        }
        return build(user, Map.of(), "config");
    }

    private static BrokerConfig build(Config user, Map<String, String> env, String source) {
        Config reference = ConfigFactory.parseResources(ConfigLoader.class, "/reference.conf");
        Config withEnv = applyEnv(user, env);
        checkUnknownKeys(withEnv, reference);
        Config c = withEnv.withFallback(reference).resolve();
        try {
            return new BrokerConfig(
                    c.getString("node.name"),
                    Path.of(c.getString("node.data_dir")),
                    nonNegative(c, "node.io_threads"),
                    positive(c, "node.max_connections"),
                    c.getString("node.control_socket").trim(),
                    nonNegativeDuration(c, "node.sys_interval"),
                    LISTENERS.parse(c),
                    mqtt(c),
                    c.getBoolean("authentication.allow_anonymous"),
                    new SecurityConfig(c.getString("authentication.password_file").isBlank() ? null
                            : Path.of(c.getString("authentication.password_file")),
                            positive(c, "authentication.password_iterations"),
                            positive(c, "authentication.scram_iterations"),
                            c.getString("authorization.acl_file").isBlank() ? null
                                    : Path.of(c.getString("authorization.acl_file")),
                            c.getBoolean("authorization.cache.enabled") ? positive(c, "authorization.cache.max_size") : 0,
                            positiveDuration(c, "authorization.cache.ttl"), loginThrottle(c)),
                    permission(c, "authorization.no_match"),
                    rules(c),
                    storage(c),
                    new HooksConfig(positive(c, "hooks.threads"), positive(c, "hooks.queue_size")),
                    ModulesConfigParser.parse(c),
                    new PluginsConfig(Path.of(c.getString("plugins.dir")), Path.of(c.getString("plugins.config_dir"))),
                    management(c),
                    new WarmupConfig(nonNegative(c, "node.warmup_connections"),
                            positiveDuration(c, "node.warmup_max_time")),
                    ClusterConfigParser.parse(c),
                    StompConfigParser.parse(c),
                    BridgeConfigParser.parse(c),
                    DashboardConfigParser.parse(c),
                    source);
        } catch (ConfigException e) {
            throw new ConfigurationException(describe(e), e);
        }
    }

    private static LoginThrottleConfig loginThrottle(Config c) {
        return new LoginThrottleConfig(nonNegative(c, "authentication.login_throttle.max_failures_per_address"),
                nonNegative(c, "authentication.login_throttle.max_failures_per_username"),
                positiveDuration(c, "authentication.login_throttle.lockout"));
    }

    private static ManagementConfig management(Config c) {
        ConfigValues.HostPort bind = ConfigValues.hostPort(c, "management.bind");
        String password = c.getString("management.default_password");
        if (password.isEmpty()) {
            throw invalid(c, "management.default_password", "must not be empty");
        }
        return new ManagementConfig(c.getBoolean("management.enabled"), bind.host(), bind.port(),
                Path.of(c.getString("management.admins_file")), Path.of(c.getString("management.api_keys_file")),
                c.getString("management.default_username"), password, positive(c, "management.max_login_failures"),
                positiveDuration(c, "management.lockout"));
    }

    private static Config applyEnv(Config user, Map<String, String> env) {
        Config result = user;
        for (Map.Entry<String, String> e : env.entrySet()) {
            String name = e.getKey();
            if (!name.startsWith(ENV_PREFIX) || !name.contains("__")) {
                continue;
            }
            String path = name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace("__", ".");
            result = result.withValue(path, ConfigValueFactory.fromAnyRef(e.getValue(), "environment variable " + name));
        }
        return result;
    }

    private static void checkUnknownKeys(Config user, Config reference) {
        for (Map.Entry<String, ConfigValue> entry : user.entrySet()) {
            String path = entry.getKey();
            List<String> parts = ConfigUtil.splitPath(path);
            boolean known;
            if (parts.get(0).equals("listeners")) {
                known = LISTENERS.isKnown(parts);
            } else if (parts.get(0).equals("bridges")) {
                known = BridgeConfigParser.isKnown(parts);
            } else if (path.equals("authorization.rules") || ModulesConfigParser.OBJECT_LISTS.contains(path)) {
                known = true;
            } else {
                known = reference.hasPathOrNull(path);
            }
            if (!known) {
                throw new ConfigurationException(where(entry.getValue().origin()) + ": unknown setting '" + path + "'");
            }
        }
    }

    private static MqttConfig mqtt(Config c) {
        long maxPacket = c.getBytes("mqtt.max_packet_size");
        if (maxPacket < 16 || maxPacket > 268_435_460L) {
            throw invalid(c, "mqtt.max_packet_size", "must be between 16 bytes and 256MB");
        }
        int maxQos = c.getInt("mqtt.max_qos");
        if (maxQos < 0 || maxQos > 2) {
            throw invalid(c, "mqtt.max_qos", "must be 0, 1 or 2");
        }
        int receiveMaximum = c.getInt("mqtt.receive_maximum");
        if (receiveMaximum < 1 || receiveMaximum > 65535) {
            throw invalid(c, "mqtt.receive_maximum", "must be between 1 and 65535");
        }
        int maxInflight = c.getInt("mqtt.max_inflight");
        if (maxInflight < 1 || maxInflight > 65535) {
            throw invalid(c, "mqtt.max_inflight", "must be between 1 and 65535");
        }
        int maxTopicAlias = c.getInt("mqtt.max_topic_alias");
        if (maxTopicAlias < 0 || maxTopicAlias > 65535) {
            throw invalid(c, "mqtt.max_topic_alias", "must be between 0 and 65535");
        }
        int maxKeepAlive = c.getInt("mqtt.max_keepalive");
        if (maxKeepAlive < 1 || maxKeepAlive > 65535) {
            throw invalid(c, "mqtt.max_keepalive", "must be between 1 and 65535 seconds");
        }
        double multiplier = c.getDouble("mqtt.keepalive_multiplier");
        if (multiplier < 1.0) {
            throw invalid(c, "mqtt.keepalive_multiplier", "must be at least 1.0");
        }
        Duration maxExpiry = c.getDuration("mqtt.max_session_expiry");
        if (maxExpiry.isNegative()) {
            throw invalid(c, "mqtt.max_session_expiry", "must not be negative");
        }
        return new MqttConfig(
                (int) maxPacket,
                positive(c, "mqtt.max_clientid_len"),
                positive(c, "mqtt.max_topic_levels"),
                nonNegative(c, "mqtt.max_subscriptions"),
                maxInflight,
                receiveMaximum,
                positive(c, "mqtt.max_queued_messages"),
                nonNegativeBytes(c, "mqtt.max_queued_bytes"),
                c.getBoolean("mqtt.queue_qos0"),
                enumValue(c, "mqtt.drop_policy", DropPolicy.class),
                maxTopicAlias,
                maxQos,
                c.getBoolean("mqtt.retain_available"),
                positiveDuration(c, "mqtt.retained_sweep_interval"),
                c.getBoolean("mqtt.wildcard_subscription"),
                c.getBoolean("mqtt.shared_subscription"),
                enumValue(c, "mqtt.shared_subscription_strategy", SharedStrategy.class),
                multiplier,
                maxKeepAlive,
                Math.min(maxExpiry.getSeconds(), 0xFFFFFFFFL),
                c.getDuration("mqtt.connect_timeout"),
                c.getString("mqtt.server_reference"),
                c.getBoolean("mqtt.server_moved"),
                c.getBoolean("mqtt.pause_publishers"),
                positiveDuration(c, "mqtt.max_publisher_pause"),
                nonNegativeLong(c, "mqtt.max_retained_messages"),
                retainedPayload(c));
    }

    private static long nonNegativeLong(Config c, String path) {
        long v = c.getLong(path);
        if (v < 0) {
            throw invalid(c, path, "must not be negative");
        }
        return v;
    }

    private static int retainedPayload(Config c) {
        long v = c.getBytes("mqtt.max_retained_payload_size");
        if (v < 0 || v > 268_435_455L) {
            throw invalid(c, "mqtt.max_retained_payload_size", "must be between 0 and 256MB");
        }
        return (int) v;
    }

    private static StorageConfig storage(Config c) {
        String type = c.getString("storage.type").trim().toLowerCase(Locale.ROOT);
        if (type.isEmpty()) {
            throw invalid(c, "storage.type", "must not be empty (rocksdb or memory)");
        }
        String dir = c.getString("storage.dir");
        return new StorageConfig(type, dir.isBlank() ? null : Path.of(dir),
                enumValue(c, "storage.sync", SyncPolicy.class), positiveDuration(c, "storage.sync_interval"),
                nonNegativeBytes(c, "storage.min_free_space"), positiveDuration(c, "storage.compact_interval"));
    }

    private static List<AuthorizationRule> rules(Config c) {
        List<AuthorizationRule> rules = new ArrayList<>();
        for (ConfigObject o : c.getObjectList("authorization.rules")) {
            for (String key : o.keySet()) {
                if (!RULE_KEYS.contains(key)) {
                    throw new ConfigurationException(where(o.get(key).origin())
                            + ": unknown setting '" + key + "' in an authorization rule (expected permission, action, topic)");
                }
            }
            Config r = o.toConfig();
            AuthorizationRule.Action action = enumValue(r, "action", AuthorizationRule.Action.class);
            rules.add(new AuthorizationRule(permission(r, "permission"), action, r.getString("topic")));
        }
        return rules;
    }

    private static boolean permission(Config c, String path) {
        String value = c.getString(path);
        return switch (value) {
            case "allow" -> true;
            case "deny" -> false;
            default -> throw invalid(c, path, "must be allow or deny, was '" + value + "'");
        };
    }

    private static String describe(ConfigException e) {
        ConfigOrigin origin = e.origin();
        String message = e.getMessage();
        if (origin != null) {
            String prefix = origin.description() + ": ";
            if (message.startsWith(prefix)) {
                message = message.substring(prefix.length());
            }
            return where(origin) + ": " + message;
        }
        return message;
    }

}
