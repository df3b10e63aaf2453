package io.starling.broker.security;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.starling.api.auth.Authorizer.Action;
import io.starling.broker.config.AccessRules;
import io.starling.codec.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads {@code etc/acl.conf}: {@code rules = [ { permission, who, action, topics }, ... ]}. Every mistake is
 * reported with the file and line.
 */
final class AclFile {
    private static final Set<String> KEYS = Set.of("permission", "who", "action", "topics");

    private AclFile() {
    }

    /** The rules; none when the file is not there. Throws IllegalArgumentException naming file:line. */
    static List<AclRule> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        Config c;
        try {
            c = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false)).resolve();
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        List<AclRule> rules = new ArrayList<>();
        try {
            for (ConfigObject o : c.getObjectList("rules")) {
                rules.add(rule(o, file));
            }
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return rules;
    }

    private static AclRule rule(ConfigObject o, Path file) {
        String where = file + ":" + o.origin().lineNumber();
        for (String key : o.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException(where + ": unknown setting '" + key
                        + "' in an ACL rule (expected permission, who, action, topics)");
            }
        }
        Config r = o.toConfig();
        String permission = r.getString("permission");
        if (!permission.equals("allow") && !permission.equals("deny")) {
            throw new IllegalArgumentException(where + ": permission must be allow or deny, was '" + permission + "'");
        }
        Action action = switch (r.hasPath("action") ? r.getString("action") : "all") {
            case "publish" -> Action.PUBLISH;
            case "subscribe" -> Action.SUBSCRIBE;
            case "all", "pubsub" -> null;
            default -> throw new IllegalArgumentException(where + ": action must be publish, subscribe or all, was '"
                    + r.getString("action") + "'");
        };
        List<String> topics = r.hasPath("topics") ? r.getStringList("topics") : List.of();
        for (String t : topics) {
            String filter = t.startsWith("eq ") ? t.substring(3) : t.replace("%c", "c").replace("%u", "u");
            if (!Topics.isValidTopicFilter(filter)) {
                throw new IllegalArgumentException(where + ": '" + t + "' is not a topic filter");
            }
        }
        return new AclRule(permission.equals("allow"), who(r, where), action, topics);
    }

    private static AclRule.Who who(Config r, String where) {
        if (!r.hasPath("who")) {
            return null;
        }
        ConfigValue v = r.getValue("who");
        if (v.valueType() == ConfigValueType.STRING && "all".equals(v.unwrapped())) {
            return null;
        }
        if (v.valueType() == ConfigValueType.STRING && "bridge".equals(v.unwrapped())) {
            return new AclRule.Bridge();
        }
        if (v.valueType() != ConfigValueType.OBJECT || ((ConfigObject) v).size() != 1) {
            throw new IllegalArgumentException(where + ": who must be \"all\", \"bridge\" or one of"
                    + " { user = \"...\" }, { clientid = \"...\" }, { ipaddr = \"10.0.0.0/8\" }");
        }
        Config w = ((ConfigObject) v).toConfig();
        if (w.hasPath("user")) {
            return new AclRule.User(w.getString("user"));
        }
        if (w.hasPath("clientid")) {
            return new AclRule.ClientId(w.getString("clientid"));
        }
        if (w.hasPath("ipaddr")) {
            String ip = w.getString("ipaddr");
            try {
                // An address list allows what no rule names: end it with "deny all" to match only this block.
                return new AclRule.Address(AccessRules.parse(List.of("allow " + ip, "deny all")), ip);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": ipaddr " + e.getMessage());
            }
        }
        throw new IllegalArgumentException(where + ": who must be \"all\", \"bridge\", user, clientid or ipaddr");
    }

    static String stamp(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis() + ":" + Files.size(file);
        } catch (IOException e) {
            return "missing";
        }
    }
}
