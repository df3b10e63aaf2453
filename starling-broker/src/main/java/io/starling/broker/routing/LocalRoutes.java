package io.starling.broker.routing;

import java.util.List;

/** The filters and shared groups this node's own subscribers hold: what the cluster replicates as this node's rows. */
public record LocalRoutes(List<String> filters, List<Shared> shared) {

    /** A shared group with at least one member on this node. */
    public record Shared(String group, String topicFilter) {
    }

    public LocalRoutes {
        filters = List.copyOf(filters);
        shared = List.copyOf(shared);
    }
}
