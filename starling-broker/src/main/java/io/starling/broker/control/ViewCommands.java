package io.starling.broker.control;

import io.starling.broker.admin.ClientViews;
import io.starling.broker.admin.NodeViews;
import io.starling.broker.bootstrap.Starling;
import io.starling.broker.control.ControlCommands.Reply;
import io.starling.broker.cluster.ClusterAdmin;
import io.starling.broker.cluster.ClusterAdmin.Act;
import io.starling.broker.cluster.ClusterAdmin.Acted;
import io.starling.broker.cluster.ClusterAdmin.Listing;
import io.starling.broker.cluster.ClusterAdmin.Listing.Kind;
import io.starling.broker.cluster.ClusterAdmin.Page;
import io.starling.codec.Topics;
import java.util.List;
import java.util.Map;

/**
 * What starling-ctl shows of a running node, and the few things it does to clients, sessions and listeners. Clients,
 * sessions, subscriptions and topics are the whole cluster's, each row with its node.
 */
final class ViewCommands {
    /** Rows a listing shows at most: a table longer than that is read by no one. */
    private static final int MAX_ROWS = 10_000;

    private final Starling node;

    ViewCommands(Starling node) {
        this.node = node;
    }

    Reply broker() {
        Map<String, Object> info = NodeViews.node(node);
        return ControlCommands.ok(Table.pairs(info), info);
    }

    Reply stats() {
        Map<String, Long> stats = node.stats().snapshot();
        return ControlCommands.ok(Table.pairs(stats), NodeViews.dotted(stats));
    }

    Reply metrics() {
        Map<String, Long> metrics = node.metrics().snapshot();
        return ControlCommands.ok(Table.pairs(metrics), NodeViews.dotted(metrics));
    }

    Reply clients(List<String> args) {
        String sub = args.isEmpty() ? "list" : args.get(0);
        switch (sub) {
            case "list" -> {
                Page page = list(Listing.of(Kind.CLIENTS, new ClientViews.Query(null, args.size() > 1 ? args.get(1)
                        : null, null, null, true), MAX_ROWS));
                return ControlCommands.ok(table(page, "no clients connected", "clientid", "node", "username",
                        "ip_address", "proto_name", "proto_ver", "keepalive", "subscriptions_cnt", "connected_at"), page.rows());
            }
            case "show" -> {
                Map<String, Object> view = one(Kind.CLIENTS, args, "clients show");
                return ControlCommands.ok(Table.pairs(view), view);
            }
            case "kick" -> {
                String id = clientId(args, "clients kick");
                Acted done = await(node.cluster().admin().act(Act.KICK, id));
                if (done.nodes().isEmpty()) {
                    return ControlCommands.failed("client " + id + " is not connected" + unreachable(done.failed()));
                }
                return ControlCommands.ok("client " + id + " disconnected on " + String.join(", ", done.nodes()),
                        Map.of("clientid", id, "nodes", done.nodes()));
            }
            default -> throw new UsageException("unknown clients command '" + sub + "' (list [LIKE], show ID, kick ID)");
        }
    }

    Reply sessions(List<String> args) {
        String sub = args.isEmpty() ? "list" : args.get(0);
        switch (sub) {
            case "list" -> {
                Page page = list(Listing.of(Kind.CLIENTS, ClientViews.Query.ALL, MAX_ROWS));
                return ControlCommands.ok(table(page, "no sessions", "clientid", "node", "conn_state",
                        "expiry_interval", "subscriptions_cnt", "mqueue_len", "inflight_cnt"), page.rows());
            }
            case "show" -> {
                Map<String, Object> view = one(Kind.SESSIONS, args, "sessions show");
                return ControlCommands.ok(Table.pairs(view), view);
            }
            case "clear" -> {
                String id = clientId(args, "sessions clear");
                Acted done = await(node.cluster().admin().act(Act.CLEAR_SESSION, id));
                if (done.nodes().isEmpty()) {
                    return ControlCommands.failed("no session " + id + unreachable(done.failed()));
                }
                return ControlCommands.ok("session " + id + " cleared on " + String.join(", ", done.nodes()),
                        Map.of("clientid", id, "nodes", done.nodes()));
            }
            default -> throw new UsageException("unknown sessions command '" + sub + "' (list, show ID, clear ID)");
        }
    }

    Reply subscriptions(List<String> args) {
        Page page = list(Listing.of(Kind.SUBSCRIPTIONS, new ClientViews.Query(args.isEmpty() ? null : args.get(0),
                null, null, null, null), MAX_ROWS));
        return ControlCommands.ok(table(page, "no subscriptions", "clientid", "node", "topic", "qos", "nl", "rap",
                "rh"), page.rows());
    }

    Reply topics() {
        List<Map<String, Object>> all = NodeViews.topics(node, null);
        return ControlCommands.ok(Table.of(all, "no topics", "topic", "node"), all);
    }

    private static <T> T await(java.util.concurrent.CompletionStage<T> answer) {
        try {
            return ClusterAdmin.await(answer);
        } catch (ClusterAdmin.Unanswered e) {
            throw new RefusedException(e.getMessage());
        }
    }

    private Page list(Listing listing) {
        return await(node.cluster().admin().list(listing));
    }

    /** The rows as a table, with what is missing said below it: rows past the first ones, nodes that did not answer. */
    private static String table(Page page, String empty, String... columns) {
        StringBuilder text = new StringBuilder(Table.of(page.rows(), empty, columns));
        if (page.count() > page.rows().size()) {
            text.append("\n(the first ").append(page.rows().size()).append(" of ").append(page.count())
                    .append("; narrow the listing to see others)");
        }
        page.failed().forEach((n, why) -> text.append("\n(node ").append(n).append(" did not answer: ").append(why)
                .append(")"));
        return text.toString();
    }

    private static String unreachable(Map<String, String> failed) {
        return failed.isEmpty() ? "" : " on any node that answered (" + String.join(", ", failed.keySet())
                + " did not)";
    }

    private Map<String, Object> one(Kind kind, List<String> args, String command) {
        String id = clientId(args, command);
        Page page = list(Listing.of(kind, new ClientViews.Query(id, null, null, null, null), 1));
        if (page.rows().isEmpty()) {
            throw new RefusedException("no client " + id + unreachable(page.failed()));
        }
        return page.rows().get(0);
    }

    Reply retained(List<String> args) {
        String sub = args.isEmpty() ? "list" : args.get(0);
        switch (sub) {
            case "list" -> {
                String filter = args.size() > 1 ? args.get(1) : "#";
                if (!Topics.isValidTopicFilter(filter)) {
                    throw new UsageException("'" + filter + "' is not a topic filter");
                }
                NodeViews.RetainedPage page = NodeViews.retained(node, filter, 0, 1000);
                String text = Table.of(page.messages(), "no retained messages", "topic", "qos", "published_at")
                        + (page.more() ? "\n(the first 1000; narrow the filter to see others)" : "");
                return ControlCommands.ok(text, page.messages());
            }
            case "delete" -> {
                if (args.size() != 2 || !Topics.isValidTopicName(args.get(1))) {
                    throw new UsageException("retained delete takes a topic name");
                }
                String topic = args.get(1);
                if (!node.services().retained().removeIfPresent(topic)) {
                    return ControlCommands.failed("no retained message on " + topic);
                }
                return ControlCommands.ok("retained message on " + topic + " deleted", Map.of("topic", topic));
            }
            default -> throw new UsageException("unknown retained command '" + sub + "' (list [FILTER], delete TOPIC)");
        }
    }

    Reply listeners(List<String> args) {
        String sub = args.isEmpty() ? "list" : args.get(0);
        if (!sub.equals("list")) {
            if (args.size() != 2) {
                throw new UsageException("listeners " + sub + " takes a listener id, e.g. tcp:default");
            }
            boolean found = switch (sub) {
                case "stop" -> node.stopListener(args.get(1));
                case "start" -> node.startListener(args.get(1));
                default -> throw new UsageException("unknown listeners command '" + sub + "' (list, stop ID, start ID)");
            };
            if (!found) {
                return ControlCommands.failed("no listener " + args.get(1));
            }
        }
        List<Map<String, Object>> all = node.listenerStatus().stream().map(l -> Map.<String, Object>of("id", l.id(),
                "type", l.type(), "host", l.host(), "port", l.port(), "running", l.running(),
                "connections", l.connections())).toList();
        return ControlCommands.ok(Table.of(all, "no listeners", "id", "type", "host", "port", "running", "connections"),
                all);
    }

    private static String clientId(List<String> args, String command) {
        if (args.size() != 2) {
            throw new UsageException(command + " takes a client id");
        }
        return args.get(1);
    }

    /** The command line was wrong: exit 64. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message, null, false, false);
        }
    }

    /** The node refused: exit 1. */
    static final class RefusedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RefusedException(String message) {
            super(message, null, false, false);
        }
    }
}
