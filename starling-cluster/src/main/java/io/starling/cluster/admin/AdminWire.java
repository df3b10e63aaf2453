package io.starling.cluster.admin;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.starling.broker.cluster.ClusterAdmin.Act;
import io.starling.broker.cluster.ClusterAdmin.Listing;
import io.starling.broker.cluster.ClusterAdmin.Page;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The bodies of the {@code admin.*} calls between nodes, as JSON: rows are the management API's own maps, and a
 * node ignores fields it does not know, so a newer node can add some. {@code v} is the version of these bodies.
 */
final class AdminWire {
    static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** A listing asked of a node. */
    record ListRequest(int v, Listing listing) {
    }

    /** An act asked of a node, and whether that node did it. */
    record ActRequest(int v, Act act, String clientId) {
    }

    record ActAnswer(int v, boolean done) {
    }

    /** A node's page of a listing. */
    record ListAnswer(int v, Page page) {
    }

    private AdminWire() {
    }

    static byte[] write(Object body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static <T> T read(byte[] body, Class<T> type) {
        try {
            return JSON.readValue(body, type);
        } catch (IOException e) {
            throw new IllegalArgumentException("a malformed " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }
}
