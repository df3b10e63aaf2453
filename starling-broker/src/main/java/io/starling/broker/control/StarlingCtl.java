package io.starling.broker.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.starling.broker.bootstrap.ConfigPaths;
import io.starling.broker.config.ConfigurationException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code bin/starling-ctl}: talks to the running node through its control socket. Exit codes: 0 done, 1 the
 * node refused (the message says why), 3 the node is not running, 64 usage.
 */
@Command(name = "starling-ctl", mixinStandardHelpOptions = true, description = "Controls a running Starling node.",
        subcommands = {StarlingCtl.Status.class, StarlingCtl.Plugins.class, StarlingCtl.Users.class})
public final class StarlingCtl implements Callable<Integer> {
    static final int NOT_RUNNING = 3;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--json", scope = CommandLine.ScopeType.INHERIT, description = "Print the answer as JSON, for scripts")
    boolean json;

    @Option(names = "--socket", paramLabel = "FILE",
            description = "The node's control socket (default: starling.sock in the node's data directory)")
    Path socket;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "The node's configuration file, read for its data directory (default: $STARLING_CONFIG,"
                    + " else etc/starling.conf): the node that `bin/starling -c FILE` runs")
    Path config;

    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;

    StarlingCtl(Map<String, String> env, PrintStream out, PrintStream err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    /** Runs a command line as {@code main} does, without exiting: for tests that drive it in the JVM. */
    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new StarlingCtl(env, out, err));
        FORWARDED.forEach((name, description) -> {
            CommandLine sub = new CommandLine(new Forward(name));
            sub.getCommandSpec().usageMessage().description(description);
            cl.addSubcommand(name, sub);
        });
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        cl.setParameterExceptionHandler((e, a) -> {
            err.println("starling-ctl: " + e.getMessage());
            return ControlCommands.USAGE;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() {
        err.println("starling-ctl: a command is needed: " + ControlCommands.COMMANDS);
        return ControlCommands.USAGE;
    }

    int send(List<String> args) {
        return send(args, null);
    }

    /** Sends the request (with {@code input}, a password, when not null) and prints the answer; the exit code. */
    int send(List<String> args, String input) {
        Path path = socketPath();
        if (!Files.exists(path)) {
            err.println("starling-ctl: Starling is not running (no control socket at " + path + ")");
            return NOT_RUNNING;
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(path));
            OutputStream os = Channels.newOutputStream(ch);
            Map<String, Object> request = new java.util.LinkedHashMap<>();
            request.put("args", args);
            request.put("input", input);
            os.write(new ObjectMapper().writeValueAsBytes(request));
            os.write('\n');
            os.flush();
            String line = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch),
                    StandardCharsets.UTF_8)).readLine();
            if (line == null) {
                err.println("starling-ctl: the node closed the connection without an answer");
                return ControlCommands.FAILED;
            }
            JsonNode reply = JSON.readTree(line);
            int code = reply.path("code").asInt(ControlCommands.FAILED);
            if (json) {
                out.println(JSON.writeValueAsString(reply.path("data")));
            } else {
                (code == 0 ? out : err).println((code == 0 ? "" : "starling-ctl: ") + reply.path("output").asText());
            }
            return code;
        } catch (java.net.ConnectException | java.nio.channels.ClosedChannelException e) {
            err.println("starling-ctl: Starling is not running (nothing listens on " + path + ")");
            return NOT_RUNNING;
        } catch (IOException e) {
            err.println("starling-ctl: cannot talk to the node at " + path + ": " + e.getMessage());
            return e.getMessage() != null && e.getMessage().contains("Connection refused") ? NOT_RUNNING
                    : ControlCommands.FAILED;
        }
    }

    /** {@code --socket}, else {@code STARLING_CTL_SOCKET}, else in the data directory the node's config names. */
    private Path socketPath() {
        if (socket != null) {
            return socket;
        }
        if (env.get("STARLING_CTL_SOCKET") != null) {
            return Path.of(env.get("STARLING_CTL_SOCKET"));
        }
        Path home = Path.of(env.getOrDefault("STARLING_HOME", "."));
        try {
            return ConfigPaths.of(config, env, home).controlSocket();
        } catch (ConfigurationException e) {
            err.println("starling-ctl: " + e.getMessage() + "; looking in " + home.resolve("data"));
            return home.resolve("data").resolve("starling.sock");
        }
    }

    /** Commands that go to the node as they are typed; the node checks their arguments. */
    private static final Map<String, String> FORWARDED = forwarded();

    private static Map<String, String> forwarded() {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("broker", "The node: version, uptime, connections, sessions, heap.");
        m.put("stats", "What the node holds: connections, sessions, subscriptions, topics, retained (count and max).");
        m.put("metrics", "What the node has done: packets and bytes by type, messages by QoS, drops by reason.");
        m.put("clients", "clients list [LIKE] | show CLIENTID | kick CLIENTID");
        m.put("sessions", "sessions list | show CLIENTID | clear CLIENTID");
        m.put("subscriptions", "subscriptions [CLIENTID]");
        m.put("topics", "The route table: each subscribed filter and the node that holds it.");
        m.put("routes", "The same as topics.");
        m.put("cluster", "cluster status | join HOST:PORT | leave | force-leave NODE: the members, this node's links"
                + " to them, and changes to membership.");
        m.put("bridges", "bridges [list] | stop NAME | start NAME: the bridges to other brokers, their state and"
                + " counters; stop disconnects one (its messages keep queuing), start connects it again.");
        m.put("retained", "retained list [FILTER] | delete TOPIC");
        m.put("listeners", "listeners [list] | stop ID | start ID (ids look like tcp:default)");
        m.put("log", "log level LEVEL [LOGGER]: trace, debug, info, warn, error (root logger unless named)");
        m.put("reload", "Apply a changed ACL file, password file, TLS certificates and logging configuration now, and"
                + " name the settings of etc/starling.conf that changed but need a restart. Clients stay connected.");
        return m;
    }

    @Command(description = "Forwarded to the node.")
    static final class Forward implements Callable<Integer> {
        @ParentCommand
        StarlingCtl ctl;

        @Parameters(arity = "0..*", paramLabel = "ARGS")
        List<String> args = new ArrayList<>();

        private final String name;

        Forward(String name) {
            this.name = name;
        }

        @Override
        public Integer call() {
            List<String> request = new ArrayList<>();
            request.add(name);
            request.addAll(args);
            return ctl.send(request);
        }
    }

    @Command(name = "status", description = "Tell whether the node is running.")
    static final class Status implements Callable<Integer> {
        @ParentCommand
        StarlingCtl ctl;

        @Override
        public Integer call() {
            return ctl.send(List.of("status"));
        }
    }

    @Command(name = "users", description = "The built-in users: users list | add NAME [--superuser] | passwd NAME"
            + " | del NAME. The password is asked for, or read from the first line of standard input.")
    static final class Users implements Callable<Integer> {
        @ParentCommand
        StarlingCtl ctl;

        @Option(names = "--superuser", description = "With add: the user may do anything (no ACL applies)")
        boolean superuser;

        @Parameters(arity = "0..2", paramLabel = "ARGS", description = "list | add NAME | passwd NAME | del NAME")
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() throws IOException {
            List<String> request = new ArrayList<>();
            request.add("users");
            request.addAll(args.isEmpty() ? List.of("list") : args);
            if (superuser) {
                request.add("--superuser");
            }
            String password = null;
            if (!args.isEmpty() && (args.get(0).equals("add") || args.get(0).equals("passwd"))) {
                password = ctl.readPassword();
                if (password == null) {
                    return ControlCommands.USAGE;
                }
            }
            return ctl.send(request, password);
        }
    }

    /** From the terminal, twice and unseen; else the first line of standard input. Null when none was given. */
    String readPassword() throws IOException {
        java.io.Console console = System.console();
        if (console != null) {
            char[] first = console.readPassword("Password: ");
            char[] again = console.readPassword("Again: ");
            if (first == null || !java.util.Arrays.equals(first, again)) {
                err.println("starling-ctl: the passwords differ");
                return null;
            }
            return new String(first);
        }
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        if (line == null || line.isEmpty()) {
            err.println("starling-ctl: no password on standard input");
            return null;
        }
        return line;
    }

    @Command(name = "plugins", description = "List, load, unload or reload plugins: plugins list | load|unload|reload NAME")
    static final class Plugins implements Callable<Integer> {
        @ParentCommand
        StarlingCtl ctl;

        @Parameters(arity = "0..2", paramLabel = "ARGS", description = "list | load NAME | unload NAME | reload NAME")
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() {
            List<String> request = new ArrayList<>();
            request.add("plugins");
            request.addAll(args.isEmpty() ? List.of("list") : args);
            return ctl.send(request);
        }
    }
}
