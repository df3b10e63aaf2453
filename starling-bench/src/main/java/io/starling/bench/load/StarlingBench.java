package io.starling.bench.load;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code starling-bench}: the load tool, modelled on emqtt_bench. */
@Command(name = "starling-bench", subcommands = {ConnCommand.class, SubCommand.class, PubCommand.class,
        PubSubCommand.class, CommandLine.HelpCommand.class},
        description = "MQTT load generator: connection, publish and subscribe load with latency, loss and duplicate counts.")
public final class StarlingBench implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line, for tests that run the tool in-process. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new StarlingBench());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof IllegalArgumentException) {
                cmd.getErr().println("starling-bench: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cli;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "choose a mode: conn, sub, pub or pubsub");
    }
}
