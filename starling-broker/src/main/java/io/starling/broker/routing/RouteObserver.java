package io.starling.broker.routing;

/**
 * Told when this node starts or stops holding a filter (its count of local destinations goes 0 to 1 or back) and
 * when a shared group gets its first local member or loses its last: the rows the cluster replicates. Called under
 * the router's change lock, in order: implementations only record the change.
 */
public interface RouteObserver {

    RouteObserver NONE = new RouteObserver() {
        @Override
        public void filterAdded(String topicFilter) {
        }

        @Override
        public void filterRemoved(String topicFilter) {
        }

        @Override
        public void sharedAdded(String group, String topicFilter) {
        }

        @Override
        public void sharedRemoved(String group, String topicFilter) {
        }
    };

    void filterAdded(String topicFilter);

    void filterRemoved(String topicFilter);

    void sharedAdded(String group, String topicFilter);

    void sharedRemoved(String group, String topicFilter);
}
