package io.starling.broker.control;

import io.starling.broker.bootstrap.Starling;
import io.starling.broker.bridge.BridgeView;
import io.starling.broker.control.ControlCommands.Reply;
import java.util.List;
import java.util.Map;

/** {@code starling-ctl bridges [list] | stop NAME | start NAME}. */
final class BridgeCommands {
    static final String USAGE = "bridges [list] | stop NAME | start NAME";

    private final Starling node;

    BridgeCommands(Starling node) {
        this.node = node;
    }

    Reply run(List<String> args) {
        String sub = args.isEmpty() ? "list" : args.get(0);
        BridgeView bridges = node.bridges();
        switch (sub) {
            case "list" -> {
                if (args.size() > 1) {
                    throw new ViewCommands.UsageException("bridges list takes no argument");
                }
                List<Map<String, Object>> rows = bridges.list().stream().map(BridgeView.Status::toMap).toList();
                return ControlCommands.ok(Table.of(rows, "no bridges (bridges in etc/starling.conf)", "name", "state",
                        "remote", "protocol", "forwarded", "received", "queued", "dropped", "reconnects"), rows);
            }
            case "stop", "start" -> {
                if (args.size() != 2) {
                    throw new ViewCommands.UsageException("bridges " + sub + " takes the name of a bridge");
                }
                String name = args.get(1);
                boolean done = sub.equals("stop") ? bridges.stop(name) : bridges.start(name);
                if (!done) {
                    return ControlCommands.failed("no bridge '" + name + "'");
                }
                String what = "bridge " + name + (sub.equals("stop") ? " stopped (its messages keep queuing)"
                        : " started");
                return ControlCommands.ok(what, Map.of("name", name, "result", sub.equals("stop") ? "stopped"
                        : "started"));
            }
            default -> throw new ViewCommands.UsageException("unknown bridges command '" + sub + "' (" + USAGE + ")");
        }
    }
}
