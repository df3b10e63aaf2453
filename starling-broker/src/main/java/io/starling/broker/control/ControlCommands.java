package io.starling.broker.control;

import io.starling.broker.bootstrap.ReloadReport;
import io.starling.broker.bootstrap.Starling;
import io.starling.broker.bootstrap.Version;
import io.starling.broker.plugin.PluginException;
import io.starling.broker.plugin.PluginManager;
import io.starling.broker.plugin.PluginStatus;
import io.starling.broker.security.UserDatabase;
import java.util.List;
import java.util.Map;

/** What {@code bin/starling-ctl} can ask a running node, and the answers: text for people, data for scripts. */
public final class ControlCommands {
    /** Exit codes the command line passes on. */
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 64;

    static final String COMMANDS = "status, broker, stats, metrics, clients list|show|kick, sessions list|show|clear,"
            + " subscriptions [CLIENTID], topics, routes, retained list|delete, listeners [stop|start ID],"
            + " plugins list|load|unload|reload NAME, users list|add|passwd|del NAME, log level LEVEL [LOGGER], reload,"
            + " " + ClusterCommands.USAGE + ", " + BridgeCommands.USAGE;

    /** An answer: {@code code} 0 when done, {@code output} for the terminal, {@code data} for {@code --json}. */
    public record Reply(int code, String output, Object data) {
    }

    private final Starling node;
    private final ViewCommands views;
    private final ClusterCommands cluster;
    private final BridgeCommands bridges;

    public ControlCommands(Starling node) {
        this.node = node;
        this.views = new ViewCommands(node);
        this.cluster = new ClusterCommands(node);
        this.bridges = new BridgeCommands(node);
    }

    static Reply ok(String output, Object data) {
        return new Reply(OK, output, data);
    }

    static Reply failed(String why) {
        return new Reply(FAILED, why, Map.of("error", why));
    }

    public Reply run(List<String> args) {
        return run(args, null);
    }

    /** {@code input} is what the command reads rather than takes as an argument: a password. */
    public Reply run(List<String> args, String input) {
        if (args.isEmpty()) {
            return usage("no command");
        }
        List<String> rest = args.subList(1, args.size());
        try {
            return switch (args.get(0)) {
                case "status" -> ok("Starling " + Version.current() + " node " + node.config().nodeName()
                        + " is running", Map.of("node", node.config().nodeName(), "version", Version.current(),
                        "running", true));
                case "broker" -> views.broker();
                case "stats" -> views.stats();
                case "metrics" -> views.metrics();
                case "clients" -> views.clients(rest);
                case "sessions" -> views.sessions(rest);
                case "subscriptions" -> views.subscriptions(rest);
                case "topics", "routes" -> views.topics();
                case "retained" -> views.retained(rest);
                case "listeners" -> views.listeners(rest);
                case "plugins" -> plugins(rest);
                case "users" -> users(rest, input);
                case "log" -> log(rest);
                case "reload" -> reload();
                case "cluster" -> cluster.run(rest);
                case "bridges" -> bridges.run(rest);
                default -> usage("unknown command '" + args.get(0) + "'");
            };
        } catch (PluginException | ViewCommands.RefusedException e) {
            return failed(e.getMessage());
        } catch (ViewCommands.UsageException e) {
            return usage(e.getMessage());
        }
    }

    private Reply log(List<String> args) {
        if (args.size() < 2 || args.size() > 3 || !args.get(0).equals("level")) {
            return usage("log level LEVEL [LOGGER] (trace, debug, info, warn, error)");
        }
        String logger = args.size() == 3 ? args.get(2) : null;
        try {
            String before = LogLevels.set(logger, args.get(1));
            String name = logger == null ? "root" : logger;
            return ok("log level of " + name + ": " + before + " -> " + args.get(1).toUpperCase(java.util.Locale.ROOT)
                    + " (until the node restarts or etc/logback.xml changes)", Map.of("logger", name, "before", before,
                    "level", args.get(1).toUpperCase(java.util.Locale.ROOT)));
        } catch (NoClassDefFoundError noLogback) {
            return failed("log levels can be changed when the node logs through Logback, as shipped");
        }
    }

    private Reply reload() {
        ReloadReport r = node.reload();
        return new Reply(r.error() == null && r.failed().isEmpty() ? OK : FAILED, r.describe(), r);
    }

    private Reply plugins(List<String> args) {
        PluginManager plugins = node.plugins();
        String sub = args.isEmpty() ? "list" : args.get(0);
        if (sub.equals("list")) {
            List<PluginStatus> all = plugins.list();
            List<Map<String, Object>> rows = all.stream().map(p -> Map.<String, Object>of("name", p.name(),
                    "version", p.version(), "status", p.loaded() ? "loaded" : "-", "description", p.description()))
                    .toList();
            return ok(Table.of(rows, "no plugins installed", "name", "version", "status", "description"), all);
        }
        if (args.size() != 2) {
            return usage("plugins " + sub + " takes a plugin name");
        }
        String name = args.get(1);
        return switch (sub) {
            case "load" -> {
                PluginStatus s = plugins.load(name);
                yield ok("plugin " + name + " " + s.version() + " loaded", s);
            }
            case "unload" -> {
                plugins.unload(name);
                yield ok("plugin " + name + " unloaded", Map.of("name", name, "loaded", false));
            }
            case "reload" -> {
                PluginStatus s = plugins.reload(name);
                yield ok("plugin " + name + " " + s.version() + " reloaded", s);
            }
            default -> usage("unknown plugins command '" + sub + "' (list, load, unload, reload)");
        };
    }

    private Reply users(List<String> args, String password) {
        UserDatabase users = node.users();
        if (users == null) {
            return failed("this node has no user database (authentication.password_file is empty)");
        }
        String sub = args.isEmpty() ? "list" : args.get(0);
        try {
            switch (sub) {
                case "list" -> {
                    List<UserDatabase.User> all = users.list();
                    StringBuilder out = new StringBuilder();
                    all.forEach(u -> out.append(u.name()).append(u.superuser() ? "  (superuser)" : "").append('\n'));
                    return ok(all.isEmpty() ? "no users" : out.toString().stripTrailing(), all);
                }
                case "add" -> {
                    if (args.size() < 2 || args.size() > 3 || (args.size() == 3 && !args.get(2).equals("--superuser"))) {
                        return usage("users add takes a name, and --superuser for an administrator");
                    }
                    users.add(args.get(1), chars(password), args.size() == 3);
                    return ok("user " + args.get(1) + " added" + (args.size() == 3 ? " (superuser)" : ""),
                            Map.of("name", args.get(1), "superuser", args.size() == 3));
                }
                case "passwd" -> {
                    if (args.size() != 2) {
                        return usage("users passwd takes a name");
                    }
                    users.passwd(args.get(1), chars(password));
                    return ok("password of " + args.get(1) + " changed", Map.of("name", args.get(1)));
                }
                case "del" -> {
                    if (args.size() != 2) {
                        return usage("users del takes a name");
                    }
                    users.delete(args.get(1));
                    return ok("user " + args.get(1) + " deleted", Map.of("name", args.get(1)));
                }
                default -> {
                    return usage("unknown users command '" + sub + "' (list, add, passwd, del)");
                }
            }
        } catch (IllegalArgumentException e) {
            return failed(e.getMessage());
        }
    }

    private static char[] chars(String password) {
        return password == null ? new char[0] : password.toCharArray();
    }

    private static Reply usage(String why) {
        return new Reply(USAGE, why + "; commands: " + COMMANDS, Map.of("error", why));
    }
}
