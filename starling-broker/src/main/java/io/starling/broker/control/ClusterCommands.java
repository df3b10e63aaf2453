package io.starling.broker.control;

import io.starling.broker.admin.NodeViews;
import io.starling.broker.bootstrap.Starling;
import io.starling.broker.cluster.ClusterAdmin;
import io.starling.broker.cluster.ClusterView;
import io.starling.broker.control.ControlCommands.Reply;
import java.util.List;
import java.util.Map;

/** {@code starling-ctl cluster status | join HOST:PORT | leave | force-leave NODE}. */
final class ClusterCommands {
    static final String USAGE = "cluster status | join HOST:PORT | leave | force-leave NODE";

    private final Starling node;

    ClusterCommands(Starling node) {
        this.node = node;
    }

    Reply run(List<String> args) {
        String sub = args.isEmpty() ? "status" : args.get(0);
        ClusterView cluster = node.cluster();
        try {
            return switch (sub) {
                case "status" -> {
                    need(args, 1, "cluster status");
                    yield status();
                }
                case "join" -> {
                    need(args, 2, "cluster join takes the control address (cluster.bind) of a member, host:port,");
                    yield done(cluster.join(args.get(1)));
                }
                case "leave" -> {
                    need(args, 1, "cluster leave");
                    yield done(cluster.leave());
                }
                case "force-leave" -> {
                    need(args, 2, "cluster force-leave takes the name of a node that is gone,");
                    yield done(cluster.forceLeave(args.get(1)));
                }
                default -> throw new ViewCommands.UsageException("unknown cluster command '" + sub + "' (" + USAGE
                        + ")");
            };
        } catch (IllegalStateException | IllegalArgumentException e) {
            return ControlCommands.failed(e.getMessage());
        }
    }

    private Reply status() {
        Map<String, Object> cluster;
        try {
            cluster = ClusterAdmin.await(NodeViews.cluster(node));
        } catch (ClusterAdmin.Unanswered e) {
            return ControlCommands.failed(e.getMessage());
        }
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> members = (List<Map<String, Object>>) cluster.get("members");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> links = (List<Map<String, Object>>) cluster.get("links");
        StringBuilder text = new StringBuilder();
        if (Boolean.TRUE.equals(cluster.get("enabled"))) {
            text.append("cluster ").append(cluster.get("name")).append(": ").append(members.size())
                    .append(members.size() == 1 ? " member" : " members").append(", this node ")
                    .append(cluster.get("node")).append(" (").append(cluster.get("local_route_rows"))
                    .append(" route rows of its own)\n\n");
        } else {
            text.append("the cluster is off on this node (cluster.enabled = false): it runs alone\n\n");
        }
        text.append(Table.of(members, "no members", "node", "node_status", "version", "uptime_seconds",
                "connections", "sessions"));
        if (!links.isEmpty()) {
            text.append("\n\n").append(Table.of(links, "no links", "peer", "link", "forwarded", "forwarded_bytes",
                    "dropped", "received", "reconnects", "route_rows"));
        }
        return ControlCommands.ok(text.toString(), cluster);
    }

    private static void need(List<String> args, int size, String what) {
        if (args.size() != size) {
            throw new ViewCommands.UsageException(what + (size == 1 ? " takes no argument" : " and nothing else"));
        }
    }

    private static Reply done(String what) {
        return ControlCommands.ok(what, Map.of("result", what));
    }
}
