// The cluster as this node sees it: its members (state, version, uptime, connections) and this node's links to
// the others (forwarded, dropped, reconnects, takeovers). Refreshed every five seconds.
import { get } from '../api.js';
import { number, duration, bytes } from '../format.js';
import { refreshedEvery } from './polling.js';

const INTERVAL_MS = 5000;

export const Cluster = {
  mixins: [refreshedEvery(INTERVAL_MS)],
  data: () => ({ cluster: null, error: '' }),
  template: `
    <section aria-labelledby="cluster-title">
      <h1 id="cluster-title" tabindex="-1">Cluster</h1>
      <p class="error" role="alert" v-if="error">{{ error }}</p>
      <template v-if="cluster">
        <p data-field="cluster-summary" v-if="cluster.enabled">Cluster <strong>{{ cluster.name }}</strong> seen from
          <strong>{{ cluster.node }}</strong>: {{ cluster.members.length }} members, {{ number(cluster.local_route_rows) }}
          route rows of this node.</p>
        <p data-field="cluster-summary" v-else class="notice">This node runs alone (<code>cluster.enabled = false</code>;
          see docs/cluster.md).</p>
        <h2>Members</h2>
        <div class="overflow-auto">
          <table class="striped" aria-label="Members">
            <thead><tr><th scope="col">Node</th><th scope="col">State</th><th scope="col">Version</th>
              <th scope="col">Uptime</th><th scope="col">Connections</th><th scope="col">Address</th></tr></thead>
            <tbody><tr v-for="m in cluster.members" :key="m.node" :data-node="m.node">
              <td>{{ m.node }}<template v-if="m.self || m.node === cluster.node"> (this node)</template></td><td>{{ m.node_status }}</td>
              <td>{{ m.version }}</td><td>{{ duration(m.uptime_seconds) }}</td><td>{{ number(m.connections) }}</td>
              <td>{{ m.address ?? '' }}</td></tr></tbody>
          </table>
        </div>
        <template v-if="cluster.links.length > 0">
          <h2>Links of this node</h2>
          <div class="overflow-auto">
            <table class="striped" aria-label="Links">
              <thead><tr><th scope="col">Peer</th><th scope="col">Link</th><th scope="col">Forwarded</th>
                <th scope="col">Bytes</th><th scope="col">Received</th><th scope="col">Dropped</th>
                <th scope="col">Reconnects</th><th scope="col">Route rows</th><th scope="col">Takeovers</th></tr></thead>
              <tbody><tr v-for="l in cluster.links" :key="l.peer"><td>{{ l.peer }}</td><td>{{ l.link }}</td>
                <td>{{ number(l.forwarded) }}</td><td>{{ bytes(l.forwarded_bytes) }}</td><td>{{ number(l.received) }}</td>
                <td>{{ number(l.dropped) }}</td><td>{{ number(l.reconnects) }}</td><td>{{ number(l.route_rows) }}</td>
                <td>{{ number(l.takeovers) }}</td></tr></tbody>
            </table>
          </div>
        </template>
      </template>
    </section>`,
  methods: {
    number, duration, bytes,
    async load() {
      try {
        this.cluster = await get('/api/v5/cluster');
        this.error = '';
      } catch (e) {
        this.error = e.message;
      }
    },
  },
};
