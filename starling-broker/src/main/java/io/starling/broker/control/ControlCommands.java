package io.starling.broker.control;

import io.starling.broker.bootstrap.Version;
import io.starling.broker.plugin.PluginException;
import io.starling.broker.plugin.PluginManager;
import io.starling.broker.plugin.PluginStatus;
import io.starling.broker.security.UserDatabase;
import java.util.List;

/** What {@code bin/starling-ctl} can ask a running node, and the answers: text for people, data for scripts. */
public final class ControlCommands {
    /** Exit codes the command line passes on. */
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 64;

    /** An answer: {@code code} 0 when done, {@code output} for the terminal, {@code data} for {@code --json}. */
    public record Reply(int code, String output, Object data) {
    }

    private final String nodeName;
    private final PluginManager plugins;
    private final UserDatabase users;

    /** {@code users} may be null: the node has no built-in user database. */
    public ControlCommands(String nodeName, PluginManager plugins, UserDatabase users) {
        this.nodeName = nodeName;
        this.plugins = plugins;
        this.users = users;
    }

    public Reply run(List<String> args) {
        return run(args, null);
    }

    /** {@code input} is what the command reads rather than takes as an argument: a password. */
    public Reply run(List<String> args, String input) {
        if (args.isEmpty()) {
            return usage("no command");
        }
        try {
            return switch (args.get(0)) {
                case "status" -> new Reply(OK, "Starling " + Version.current() + " node " + nodeName + " is running",
                        java.util.Map.of("node", nodeName, "version", Version.current(), "running", true));
                case "plugins" -> plugins(args.subList(1, args.size()));
                case "users" -> users(args.subList(1, args.size()), input);
                default -> usage("unknown command '" + args.get(0) + "'");
            };
        } catch (PluginException e) {
            return new Reply(FAILED, e.getMessage(), java.util.Map.of("error", e.getMessage()));
        }
    }

    private Reply plugins(List<String> args) {
        String sub = args.isEmpty() ? "list" : args.get(0);
        if (sub.equals("list")) {
            List<PluginStatus> all = plugins.list();
            return new Reply(OK, table(all), all);
        }
        if (args.size() != 2) {
            return usage("plugins " + sub + " takes a plugin name");
        }
        String name = args.get(1);
        return switch (sub) {
            case "load" -> {
                PluginStatus s = plugins.load(name);
                yield new Reply(OK, "plugin " + name + " " + s.version() + " loaded", s);
            }
            case "unload" -> {
                plugins.unload(name);
                yield new Reply(OK, "plugin " + name + " unloaded", java.util.Map.of("name", name, "loaded", false));
            }
            case "reload" -> {
                PluginStatus s = plugins.reload(name);
                yield new Reply(OK, "plugin " + name + " " + s.version() + " reloaded", s);
            }
            default -> usage("unknown plugins command '" + sub + "' (list, load, unload, reload)");
        };
    }

    private Reply users(List<String> args, String password) {
        if (users == null) {
            return new Reply(FAILED, "this node has no user database (authentication.password_file is empty)",
                    java.util.Map.of("error", "no user database"));
        }
        String sub = args.isEmpty() ? "list" : args.get(0);
        try {
            switch (sub) {
                case "list" -> {
                    List<UserDatabase.User> all = users.list();
                    StringBuilder out = new StringBuilder();
                    all.forEach(u -> out.append(u.name()).append(u.superuser() ? "  (superuser)" : "").append('\n'));
                    return new Reply(OK, all.isEmpty() ? "no users" : out.toString().stripTrailing(), all);
                }
                case "add" -> {
                    if (args.size() < 2 || args.size() > 3 || (args.size() == 3 && !args.get(2).equals("--superuser"))) {
                        return usage("users add takes a name, and --superuser for an administrator");
                    }
                    users.add(args.get(1), chars(password), args.size() == 3);
                    return new Reply(OK, "user " + args.get(1) + " added" + (args.size() == 3 ? " (superuser)" : ""),
                            java.util.Map.of("name", args.get(1), "superuser", args.size() == 3));
                }
                case "passwd" -> {
                    if (args.size() != 2) {
                        return usage("users passwd takes a name");
                    }
                    users.passwd(args.get(1), chars(password));
                    return new Reply(OK, "password of " + args.get(1) + " changed", java.util.Map.of("name", args.get(1)));
                }
                case "del" -> {
                    if (args.size() != 2) {
                        return usage("users del takes a name");
                    }
                    users.delete(args.get(1));
                    return new Reply(OK, "user " + args.get(1) + " deleted", java.util.Map.of("name", args.get(1)));
                }
                default -> {
                    return usage("unknown users command '" + sub + "' (list, add, passwd, del)");
                }
            }
        } catch (IllegalArgumentException e) {
            return new Reply(FAILED, e.getMessage(), java.util.Map.of("error", e.getMessage()));
        }
    }

    private static char[] chars(String password) {
        return password == null ? new char[0] : password.toCharArray();
    }

    private static String table(List<PluginStatus> all) {
        if (all.isEmpty()) {
            return "no plugins installed";
        }
        int width = Math.max(4, all.stream().mapToInt(p -> p.name().length()).max().orElse(4));
        StringBuilder out = new StringBuilder(String.format("%-" + width + "s  %-10s  %-7s  %s%n", "NAME", "VERSION",
                "STATUS", "DESCRIPTION"));
        for (PluginStatus p : all) {
            out.append(String.format("%-" + width + "s  %-10s  %-7s  %s%n", p.name(), p.version(),
                    p.loaded() ? "loaded" : "-", p.description()));
        }
        return out.toString().stripTrailing();
    }

    private static Reply usage(String why) {
        return new Reply(USAGE, why + "; commands: status, plugins list|load|unload|reload <name>,"
                + " users list|add|passwd|del <name>",
                java.util.Map.of("error", why));
    }
}
