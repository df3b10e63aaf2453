package io.starling.broker.control;

import io.starling.broker.bootstrap.Version;
import io.starling.broker.plugin.PluginException;
import io.starling.broker.plugin.PluginManager;
import io.starling.broker.plugin.PluginStatus;
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

    public ControlCommands(String nodeName, PluginManager plugins) {
        this.nodeName = nodeName;
        this.plugins = plugins;
    }

    public Reply run(List<String> args) {
        if (args.isEmpty()) {
            return usage("no command");
        }
        try {
            return switch (args.get(0)) {
                case "status" -> new Reply(OK, "Starling " + Version.current() + " node " + nodeName + " is running",
                        java.util.Map.of("node", nodeName, "version", Version.current(), "running", true));
                case "plugins" -> plugins(args.subList(1, args.size()));
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
        return new Reply(USAGE, why + "; commands: status, plugins list|load|unload|reload <name>",
                java.util.Map.of("error", why));
    }
}
