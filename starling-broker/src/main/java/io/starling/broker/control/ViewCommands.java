package io.starling.broker.control;

import io.starling.broker.admin.ClientViews;
import io.starling.broker.admin.NodeViews;
import io.starling.broker.bootstrap.Starling;
import io.starling.broker.control.ControlCommands.Reply;
import io.starling.broker.session.ClientConnection;
import io.starling.broker.session.Session;
import io.starling.codec.Topics;
import java.util.List;
import java.util.Map;

/** What starling-ctl shows of a running node, and the few things it does to clients, sessions and listeners. */
final class ViewCommands {
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
                List<Map<String, Object>> all = ClientViews.sessions(node.services().sessions(),
                        new ClientViews.Query(null, args.size() > 1 ? args.get(1) : null, null, null, true)).stream()
                        .map(s -> ClientViews.client(s, node.config().nodeName())).toList();
                return ControlCommands.ok(Table.of(all, "no clients connected", "clientid", "username", "ip_address",
                        "proto_ver", "keepalive", "subscriptions_cnt", "connected_at"), all);
            }
            case "show" -> {
                Session s = session(args, "clients show");
                Map<String, Object> view = ClientViews.client(s, node.config().nodeName());
                return ControlCommands.ok(Table.pairs(view), view);
            }
            case "kick" -> {
                Session s = session(args, "clients kick");
                ClientConnection c = s.connection();
                if (c == null) {
                    return ControlCommands.failed("client " + s.clientId() + " is not connected");
                }
                c.kick();
                return ControlCommands.ok("client " + s.clientId() + " disconnected", Map.of("clientid", s.clientId()));
            }
            default -> throw new UsageException("unknown clients command '" + sub + "' (list [LIKE], show ID, kick ID)");
        }
    }

    Reply sessions(List<String> args) {
        String sub = args.isEmpty() ? "list" : args.get(0);
        switch (sub) {
            case "list" -> {
                List<Map<String, Object>> all = ClientViews.sessions(node.services().sessions(), ClientViews.Query.ALL)
                        .stream().map(s -> ClientViews.client(s, node.config().nodeName())).toList();
                return ControlCommands.ok(Table.of(all, "no sessions", "clientid", "conn_state", "expiry_interval",
                        "subscriptions_cnt", "mqueue_len", "inflight_cnt"), all);
            }
            case "show" -> {
                Map<String, Object> view = ClientViews.session(session(args, "sessions show"));
                return ControlCommands.ok(Table.pairs(view), view);
            }
            case "clear" -> {
                String id = session(args, "sessions clear").clientId();
                node.services().sessions().clear(id);
                return ControlCommands.ok("session " + id + " cleared", Map.of("clientid", id));
            }
            default -> throw new UsageException("unknown sessions command '" + sub + "' (list, show ID, clear ID)");
        }
    }

    Reply subscriptions(List<String> args) {
        List<Map<String, Object>> all = ClientViews.subscriptions(node.services().sessions(),
                args.isEmpty() ? null : args.get(0), null, null);
        return ControlCommands.ok(Table.of(all, "no subscriptions", "clientid", "topic", "qos", "nl", "rap", "rh"), all);
    }

    Reply topics() {
        List<Map<String, Object>> all = NodeViews.topics(node, null);
        return ControlCommands.ok(Table.of(all, "no topics", "topic", "node"), all);
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

    private Session session(List<String> args, String command) {
        if (args.size() != 2) {
            throw new UsageException(command + " takes a client id");
        }
        Session s = node.services().sessions().get(args.get(1));
        if (s == null) {
            throw new RefusedException("no client " + args.get(1));
        }
        return s;
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
