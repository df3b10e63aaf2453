// The node's bridges to other brokers (etc/starling.conf's bridges): state, remote and counters, refreshed every
// five seconds; stop (disconnects it, its local session keeps queuing) and start.
import { get, post } from '../api.js';
import { number } from '../format.js';
import { refreshedEvery } from './polling.js';

const INTERVAL_MS = 5000;

export const Bridges = {
  mixins: [refreshedEvery(INTERVAL_MS)],
  data: () => ({ rows: null, error: '', status: '' }),
  template: `
    <section aria-labelledby="bridges-title">
      <h1 id="bridges-title" tabindex="-1">Bridges</h1>
      <p class="error" role="alert" v-if="error">{{ error }}</p>
      <p class="ok" role="status" v-if="status">{{ status }}</p>
      <p class="notice" data-field="no-bridges" v-if="rows && rows.length === 0">This node has no bridges
        (<code>bridges.&lt;name&gt;</code> in <code>etc/starling.conf</code>; see docs/bridges.md).</p>
      <div class="overflow-auto" v-if="rows && rows.length">
        <table class="striped" aria-label="Bridges">
          <thead><tr><th scope="col">Bridge</th><th scope="col">State</th><th scope="col">Remote</th>
            <th scope="col">Protocol</th><th scope="col">Forwarded</th><th scope="col">Received</th>
            <th scope="col">Queued</th><th scope="col">Dropped</th><th scope="col">Reconnects</th>
            <th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>
            <tr v-for="b in rows" :key="b.name" :data-bridge="b.name">
              <td>{{ b.name }}</td><td data-field="state">{{ b.state }}</td><td>{{ b.remote }}</td>
              <td>{{ b.protocol }}</td><td data-field="forwarded">{{ number(b.forwarded) }}</td>
              <td>{{ number(b.received) }}</td><td>{{ number(b.queued) }}</td><td>{{ number(b.dropped) }}</td>
              <td>{{ number(b.reconnects) }}</td>
              <td><div class="actions">
                <button v-if="b.state !== 'stopped'" class="secondary" @click="act(b, 'stop')" :aria-label="'Stop ' + b.name">Stop</button>
                <button v-else @click="act(b, 'start')" :aria-label="'Start ' + b.name">Start</button>
              </div></td>
            </tr>
          </tbody>
        </table>
      </div>
      <p><small>A stopped bridge is disconnected from its remote until it is started; what it would forward waits in
        its local session, up to its queue's bound.</small></p>
    </section>`,
  methods: {
    number,
    async load() {
      try {
        this.rows = await get('/api/v5/bridges');
        this.error = '';
      } catch (e) {
        this.error = e.message;
      }
    },
    async act(b, what) {
      try {
        await post('/api/v5/bridges/' + encodeURIComponent(b.name) + '/' + what);
        this.status = 'Bridge ' + b.name + (what === 'stop' ? ' stopped.' : ' started.');
        await this.load();
      } catch (e) {
        this.error = e.message;
      }
    },
  },
};
