package io.starling.broker.cluster;

import io.starling.broker.admin.ClientViews;
import io.starling.broker.admin.NodeAdmin;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The nodes, clients, sessions and subscriptions of the whole cluster as the management API and {@code starling-ctl}
 * list them, each row with the node that holds it, and a kick or a session clear that reaches the client wherever
 * it is connected. Every node answers for its own ({@link NodeAdmin}); a node alone is the whole cluster
 * ({@link #alone}), and the cluster extension asks the others.
 */
public interface ClusterAdmin {
    /** How long a listing or an act waits for the other nodes; a node that does not answer is named. */
    Duration TIMEOUT = Duration.ofSeconds(5);

    /** The order of every listing: by client id, then filter, then node, so that pages from several nodes merge. */
    Comparator<Map<String, Object>> ORDER = Comparator.<Map<String, Object>, String>comparing(m -> key(m, "clientid"))
            .thenComparing(m -> key(m, "topic")).thenComparing(m -> key(m, "node"));

    /**
     * What to list. {@code query} keeps clients and sessions (and subscriptions by its client id); {@code topic}
     * keeps the subscriptions of one filter, {@code matchTopic} those whose filter matches that topic name.
     *
     * @param upTo how many rows of the listing, in {@link #ORDER}, each node sends at most: the end of the page
     */
    record Listing(Kind kind, ClientViews.Query query, String topic, String matchTopic, int upTo) {
        public enum Kind {
            NODES, CLIENTS, SESSIONS, SUBSCRIPTIONS
        }

        public Listing {
            query = query == null ? ClientViews.Query.ALL : query;
        }

        public static Listing of(Kind kind, ClientViews.Query query, int upTo) {
            return new Listing(kind, query, null, null, upTo);
        }
    }

    /**
     * The first rows of a listing, in {@link #ORDER}, and how many rows there are in all.
     *
     * @param failed the nodes that did not answer, and why: their rows are missing
     */
    record Page(List<Map<String, Object>> rows, long count, Map<String, String> failed) {
        public Page {
            rows = List.copyOf(rows);
            failed = Map.copyOf(failed);
        }

        /** The nodes' pages as one: their first {@code upTo} rows in order, their counts summed. */
        public static Page merge(List<Page> parts, int upTo) {
            List<Map<String, Object>> rows = new ArrayList<>();
            long count = 0;
            Map<String, String> failed = new TreeMap<>();
            for (Page p : parts) {
                rows.addAll(p.rows());
                count += p.count();
                failed.putAll(p.failed());
            }
            rows.sort(ORDER);
            return new Page(rows.subList(0, Math.min(rows.size(), upTo)), count, failed);
        }
    }

    /** What an operator does to a client wherever it is. */
    enum Act {
        /** Closes its connection (MQTT 5: DISCONNECT 0x98); its session stays as its expiry says. */
        KICK,
        /** Ends its session, closing its connection if it has one. */
        CLEAR_SESSION
    }

    /** The nodes that did it (none: no such client there), and those that did not answer, with why. */
    record Acted(List<String> nodes, Map<String, String> failed) {
        public Acted {
            nodes = List.copyOf(nodes);
            failed = Map.copyOf(failed);
        }
    }

    /**
     * This node's link to another member: the data plane's counters since this node started, the route rows it
     * holds of that node, and the sessions taken over from it.
     *
     * @param up             whether a data-plane connection to the peer is open
     * @param dropped        messages for the peer given up: its links down or their buffers full
     * @param takeoverMillis the time those takeovers took, summed
     */
    record Link(String peer, boolean up, long forwarded, long forwardedBytes, long dropped, long received,
            long reconnects, int routeRows, long takeovers, long takeoverMillis) {
    }

    CompletionStage<Page> list(Listing listing);

    CompletionStage<Acted> act(Act act, String clientId);

    /** This node's links to the others, by peer name; none when alone. */
    List<Link> links();

    /** The route rows this node holds of its own subscribers (those it tells the other nodes). */
    int localRouteRows();

    /** A node on its own: its own answers, at once. */
    static ClusterAdmin alone(NodeAdmin local) {
        return new ClusterAdmin() {
            @Override
            public CompletionStage<Page> list(Listing listing) {
                return CompletableFuture.completedFuture(local.list(listing));
            }

            @Override
            public CompletionStage<Acted> act(Act act, String clientId) {
                List<String> done = local.act(act, clientId) ? List.of(local.nodeName()) : List.of();
                return CompletableFuture.completedFuture(new Acted(done, Map.of()));
            }

            @Override
            public List<Link> links() {
                return List.of();
            }

            @Override
            public int localRouteRows() {
                return local.localRouteRows();
            }
        };
    }

    /** The cluster did not answer a listing or an act at all (a node that did not is named in the answer). */
    final class Unanswered extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unanswered(String message) {
            super(message, null, false, false);
        }
    }

    /** Waits for an answer; each node's part is bounded by {@link #TIMEOUT} already, this bounds the merge after. */
    static <T> T await(CompletionStage<T> answer) {
        try {
            return answer.toCompletableFuture().get(TIMEOUT.toMillis() + 2_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unanswered("interrupted while waiting for the cluster");
        } catch (ExecutionException e) {
            throw new Unanswered("the cluster did not answer: " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new Unanswered("the cluster did not answer within " + (TIMEOUT.toSeconds() + 2) + " s");
        }
    }

    private static String key(Map<String, Object> row, String field) {
        Object v = row.get(field);
        return v == null ? "" : v.toString();
    }
}
